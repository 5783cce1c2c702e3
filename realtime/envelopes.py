"""The layer messages every server process receives: one typed shape, built by one function each.

The channel layer carries *envelopes*, not frames: an envelope holds a frame already encoded once
(``text``) and says which of a stream's sockets get it. Envelopes are small JSON-safe dicts
(channels_redis serializes them with msgpack).
"""

from collections.abc import Sequence
from typing import Any, Final, Literal, NotRequired, TypedDict

import orjson

from realtime.streams import CONTROL_GROUP, stream_group

ENVELOPE_TYPE: Final = "realtime.event"


class Envelope(TypedDict):
    type: Literal["realtime.event"]
    stream: str  # the stream's layer group, or CONTROL_GROUP
    # A frame for the stream's sockets:
    text: NotRequired[str]  # the frame, encoded once
    seq: NotRequired[int | None]  # a new item's seq: the feed orders and gap-fills these
    ref_seq: NotRequired[int | None]  # the item an update is about: held until that item is out
    exclude: NotRequired[int | None]  # every socket but this user's
    roles: NotRequired[list[str] | None]  # only sockets with one of these roles
    # Or several frames without a seq, each with its ``exclude`` (presence changes, coalesced):
    frames: NotRequired[list[tuple[str, int | None]]]
    # Or an instruction about the stream's sockets of one user:
    close_user: NotRequired[int]  # close them, with ``code``
    set_role: NotRequired[str]  # their role is now this (with ``user``)
    user: NotRequired[int]
    # Or, on CONTROL_GROUP, about every socket opened with a credential:
    close_credential: NotRequired[str]
    code: NotRequired[int]


def frame_envelope(
    kind: str,
    stream_id: int,
    frame: dict[str, Any] | Any,
    *,
    seq: int | None = None,
    ref_seq: int | None = None,
    exclude_user_id: int | None = None,
    roles: list[str] | None = None,
) -> Envelope:
    """A frame for a stream's sockets. ``frame`` is any JSON-able mapping (a TypedDict frame)."""
    return {
        "type": ENVELOPE_TYPE,
        "stream": stream_group(kind, stream_id),
        "text": orjson.dumps(frame).decode(),
        "seq": seq,
        "ref_seq": ref_seq,
        "exclude": exclude_user_id,
        "roles": roles,
    }


def frames_envelope(kind: str, stream_id: int, frames: Sequence[tuple[Any, int | None]]) -> Envelope:
    """Several frames for a stream's sockets in one envelope, each with the user it skips (or
    ``None``): one publish, and one write per socket, for what would be many."""
    return {
        "type": ENVELOPE_TYPE,
        "stream": stream_group(kind, stream_id),
        "frames": [(orjson.dumps(frame).decode(), exclude) for frame, exclude in frames],
    }


def close_envelope(kind: str, stream_id: int, user_id: int, code: int) -> Envelope:
    """Every process closes ``user_id``'s sockets on the stream with ``code``."""
    return {"type": ENVELOPE_TYPE, "stream": stream_group(kind, stream_id), "close_user": user_id, "code": code}


def role_envelope(kind: str, stream_id: int, user_id: int, role: str) -> Envelope:
    """``user_id``'s sockets on the stream get (or stop getting) the frames meant for ``role`` at once."""
    return {"type": ENVELOPE_TYPE, "stream": stream_group(kind, stream_id), "set_role": role, "user": user_id}


def credential_envelope(credential: str, code: int) -> Envelope:
    """Every process closes the sockets opened with ``credential`` (a revoked token)."""
    return {"type": ENVELOPE_TYPE, "stream": CONTROL_GROUP, "close_credential": credential, "code": code}
