"""A discussion space as a realtime stream: its kind, registered from ``DiscussionsConfig.ready()``,
and the envelopes the services publish about it."""

from typing import Any

from realtime.codes import CloseCode
from realtime.envelopes import Envelope, close_envelope, frame_envelope, role_envelope
from realtime.streams import StreamKind, stream_group

SPACE_STREAM = "discussions.space"


def space_stream_kind() -> StreamKind:
    from discussions.selectors import sockets

    return StreamKind(
        name=SPACE_STREAM,
        last_seq=sockets.space_last_seq,
        read_missing=sockets.missing_messages,
        check_readers=sockets.check_readers,
        presence=True,
    )


def space_group(space_id: int) -> str:
    return stream_group(SPACE_STREAM, space_id)


def space_envelope(
    space_id: int,
    frame: Any,
    *,
    seq: int | None = None,
    ref_seq: int | None = None,
    exclude_user_id: int | None = None,
    roles: list[str] | None = None,
) -> Envelope:
    """A frame for the space's sockets; see ``realtime.envelopes.frame_envelope``."""
    return frame_envelope(
        SPACE_STREAM, space_id, frame, seq=seq, ref_seq=ref_seq, exclude_user_id=exclude_user_id, roles=roles
    )


def space_close_envelope(space_id: int, user_id: int, code: CloseCode = CloseCode.FORBIDDEN) -> Envelope:
    return close_envelope(SPACE_STREAM, space_id, user_id, code)


def space_role_envelope(space_id: int, user_id: int, role: str) -> Envelope:
    return role_envelope(SPACE_STREAM, space_id, user_id, role)
