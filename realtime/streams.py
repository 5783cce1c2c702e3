"""Stream kinds: what an app tells the realtime package about the streams its sockets follow.

A stream is one numbered sequence of events that sockets follow, such as a discussion space (its
messages carry a ``seq``) or a user's notifications. Each kind is registered once, from its app's
``AppConfig.ready()``, with the synchronous reads the fan-out needs; the fan-out runs them on the
database thread. The layer group of a stream is ``"<kind>.<id>"``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# (stream id, first seq, last seq) -> [(seq, encoded frame)], ascending: what the layer lost.
ReadMissing = Callable[[int, int, int], list[tuple[int, str]]]


@dataclass(frozen=True)
class ReaderCheck:
    """Of the users with sockets on a stream: those who may no longer read it (with the close code
    each gets), and the current role of those who still may."""

    closed: dict[int, int] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamKind:
    """``name`` prefixes the layer groups (``discussions.space``). ``last_seq`` and ``read_missing``
    let a feed order and gap-fill events by seq; a kind whose events carry no seq returns 0 and
    ``[]``. ``check_readers`` is the periodic re-check that does not depend on an event arriving
    (bans, departures, demotions); ``presence`` turns on who-is-online for its streams."""

    name: str
    last_seq: Callable[[int], int]
    read_missing: ReadMissing
    check_readers: Callable[[int, list[int]], ReaderCheck] | None = None
    presence: bool = False


_kinds: dict[str, StreamKind] = {}


def register_stream_kind(kind: StreamKind) -> None:
    # Group names allow letters, digits, "-", "_" and "."; the id follows the last dot.
    if not re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", kind.name):
        raise ValueError(f"bad stream kind name {kind.name!r}")
    _kinds[kind.name] = kind


def stream_kind(name: str) -> StreamKind:
    return _kinds[name]


def stream_group(kind: str, stream_id: int) -> str:
    """The layer group (and the fan-out's key) of a stream."""
    return f"{kind}.{stream_id}"


def parse_stream_group(group: str) -> tuple[str, int]:
    kind, _dot, stream_id = group.rpartition(".")
    return kind, int(stream_id)


# Every server process's channel is in this group: events about credentials, not streams.
CONTROL_GROUP = "realtime.control"
