"""What a client may send on ``/ws/notifications/``: one frozen dataclass per frame ``type``.

The socket is for listening; reading and marking happen over REST (the inbox) and on the space
sockets (read markers). ``ping`` keeps a connection alive through proxies.
"""

from dataclasses import dataclass

from hub.frames import FrameParser


@dataclass(frozen=True)
class Ping:
    pass


NOTIFICATION_CLIENT_FRAMES = FrameParser({"ping": Ping})
