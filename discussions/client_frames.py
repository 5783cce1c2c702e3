"""What a client may send on a space socket, one frozen dataclass per frame ``type`` (PROTOCOL.md).

The consumer turns every frame into one of these (or refuses it with ``invalid_frame``) before
any service runs; what a value must be beyond its type (a non-empty body, a known emoji length)
is the services' to check, since REST calls them too.
"""

from dataclasses import dataclass, field

from hub.frames import FrameParser

CLIENT_ID_BOUNDS = {"min_length": 1, "max_length": 64}


@dataclass(frozen=True)
class MessageSend:
    body: str
    client_id: str = field(metadata=CLIENT_ID_BOUNDS)
    topic: str | None = None
    reply_to: int | None = field(default=None, metadata={"min": 1})


@dataclass(frozen=True)
class MessageEdit:
    seq: int
    body: str


@dataclass(frozen=True)
class MessageDelete:
    seq: int


@dataclass(frozen=True)
class ReactionAdd:
    seq: int
    emoji: str


@dataclass(frozen=True)
class ReactionRemove:
    seq: int
    emoji: str


@dataclass(frozen=True)
class Typing:
    pass


@dataclass(frozen=True)
class Read:
    seq: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class Ping:
    pass


SPACE_CLIENT_FRAMES = FrameParser(
    {
        "message.send": MessageSend,
        "message.edit": MessageEdit,
        "message.delete": MessageDelete,
        "reaction.add": ReactionAdd,
        "reaction.remove": ReactionRemove,
        "typing": Typing,
        "read": Read,
        "ping": Ping,
    }
)
