"""A user's notifications as a realtime stream: its kind, registered from ``NotificationsConfig.ready()``,
and the envelopes ``notifications.live`` publishes about it.

One stream per user, ``notifications.user.<user id>``, followed by that user's ``/ws/notifications/``
sockets only. Its events carry no seq: a socket that missed one is told the truth on its next
``unread`` frame or when it reconnects (the inbox is in the database). Presence is on, so that a
publisher can tell which users have a socket open at all (``realtime.presence.streams_online``)
and skip the rest: an announcement to 10,000 subscribers publishes only to those online.
"""

from typing import Any

from realtime.codes import CloseCode
from realtime.envelopes import Envelope, frame_envelope
from realtime.streams import ReaderCheck, StreamKind, stream_group

USER_STREAM = "notifications.user"
OWNER = "owner"  # the role of every socket on a user's stream: only its user follows it


def _no_seq(user_id: int) -> int:
    return 0


def _nothing_missing(user_id: int, first_seq: int, last_seq: int) -> list[tuple[int, str]]:
    return []


def _check_readers(user_id: int, user_ids: list[int]) -> ReaderCheck:
    """A user deleted or deactivated while a socket was open: close it as unauthenticated."""
    from notifications.selectors import active_user_ids

    active = active_user_ids(user_ids)
    closed = {other: int(CloseCode.UNAUTHENTICATED) for other in user_ids if other not in active or other != user_id}
    return ReaderCheck(closed=closed, roles={other: OWNER for other in user_ids if other not in closed})


def user_stream_kind() -> StreamKind:
    return StreamKind(
        name=USER_STREAM,
        last_seq=_no_seq,
        read_missing=_nothing_missing,
        check_readers=_check_readers,
        presence=True,
    )


def user_group(user_id: int) -> str:
    return stream_group(USER_STREAM, user_id)


def user_envelope(user_id: int, frame: Any) -> Envelope:
    """A frame for ``user_id``'s notification sockets."""
    return frame_envelope(USER_STREAM, user_id, frame)
