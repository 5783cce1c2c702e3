"""The server frames that every stream socket shares, one typed builder each.

An app's own frames (``message.new``, ``notification.new``...) live in its ``payloads`` module;
these are the ones the realtime package itself sends. The JSON Schema of each is in
``realtime/frame_schemas.py`` (the tests validate every frame they receive against it).
"""

from typing import Literal, TypedDict


class PresenceFrame(TypedDict):
    type: Literal["presence"]
    username: str
    online: bool


class PongFrame(TypedDict):
    type: Literal["pong"]


class HistoryTruncatedFrame(TypedDict):
    type: Literal["history.truncated"]
    from_seq: int


def presence_frame(username: str, *, online: bool) -> PresenceFrame:
    return {"type": "presence", "username": username, "online": online}


def pong_frame() -> PongFrame:
    return {"type": "pong"}


def history_truncated_frame(from_seq: int) -> HistoryTruncatedFrame:
    return {"type": "history.truncated", "from_seq": from_seq}
