"""What a resuming socket missed, from one stream's cache of recently encoded items.

A thousand sockets that come back at once (a load balancer restarted) each ask for the items
after their last seq: nearly the same items for all of them. ``ReplayCache`` keeps the items a
stream's feed has emitted (and those read for earlier resumers), by seq, already encoded, so that
every resumer is sent the same frames, encoded and framed once; what it lacks is read from the database once per
burst of resumers (``StreamFeed.replay``), not once per socket.

The cache is as fresh as the sockets that were connected all along. Every event *about* an item
(an edit, a deletion, a reaction: an envelope with ``ref_seq``) drops that item from the cache as
the feed emits it, so the next resumer reads it again; an item read from the database while such
an event arrived is not kept (``Fill.dirty``); after a channel-layer outage, when such events may
have been lost, the whole cache is dropped (``clear``); and an entry older than ``ttl`` seconds is
read again, which bounds what a lost event can leave behind.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from realtime.wire import Outgoing


def replay_cache_items() -> int:
    """Items kept per stream (``REALTIME_REPLAY_CACHE_ITEMS``): twice the 500 a resumer may be sent."""
    return int(getattr(settings, "REALTIME_REPLAY_CACHE_ITEMS", 1000))


def replay_cache_bytes() -> int:
    """What one stream's cached frames may weigh (``REALTIME_REPLAY_CACHE_BYTES``): a flood of long
    messages must not make every space's cache tens of megabytes (the slow-reader fault test)."""
    return int(getattr(settings, "REALTIME_REPLAY_CACHE_BYTES", 1024 * 1024))


def _weight(frame: Outgoing) -> int:
    # Its text and, once made, its wire bytes: about twice the text.
    return 2 * len(frame.text) + 64


def replay_cache_seconds() -> float:
    """How long a cached item is trusted (``REALTIME_REPLAY_CACHE_SECONDS``)."""
    return float(getattr(settings, "REALTIME_REPLAY_CACHE_SECONDS", 60))


@dataclass
class Fill:
    """A read from the database in flight: the seqs that events invalidated meanwhile."""

    dirty: set[int] = field(default_factory=set)
    everything: bool = False


class ReplayCache:
    def __init__(
        self, capacity: int, ttl: float, clock: Callable[[], float] = time.monotonic, max_bytes: int | None = None
    ) -> None:
        self._capacity = capacity
        self._max_bytes = replay_cache_bytes() if max_bytes is None else max_bytes
        self._bytes = 0
        self._ttl = ttl
        self._clock = clock
        self._items: dict[int, tuple[Outgoing, float]] = {}  # seq -> (encoded frame, when stored)
        self._fills: list[Fill] = []

    def __len__(self) -> int:
        return len(self._items)

    def store(self, seq: int, frame: Outgoing) -> None:
        weight = _weight(frame)
        if weight > self._max_bytes:
            self.invalidate(seq)  # too big to keep: read from the database when asked for
            return
        self._drop(seq)
        self._items[seq] = (frame, self._clock())
        self._bytes += weight
        if len(self._items) > self._capacity + self._capacity // 4 or self._bytes > self._max_bytes:
            # Amortized: keep the newest seqs within ``capacity`` and three quarters of the bytes
            # once either is over.
            for old in sorted(self._items):
                if len(self._items) <= self._capacity and self._bytes <= self._max_bytes * 3 // 4:
                    break
                self._drop(old)

    def _drop(self, seq: int) -> None:
        entry = self._items.pop(seq, None)
        if entry is not None:
            self._bytes -= _weight(entry[0])

    def invalidate(self, seq: int) -> None:
        self._drop(seq)
        for fill in self._fills:
            fill.dirty.add(seq)

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0
        for fill in self._fills:
            fill.everything = True

    def lookup(self, first: int, last: int) -> tuple[dict[int, Outgoing], list[int]]:
        """The cached items of ``first..last`` and the seqs that are not (or no longer) cached."""
        fresh_after = self._clock() - self._ttl
        found: dict[int, Outgoing] = {}
        missing: list[int] = []
        items = self._items
        for seq in range(first, last + 1):
            entry = items.get(seq)
            if entry is None or entry[1] < fresh_after:
                missing.append(seq)
            else:
                found[seq] = entry[0]
        return found, missing

    def begin_fill(self) -> Fill:
        fill = Fill()
        self._fills.append(fill)
        return fill

    def end_fill(self, fill: Fill, items: list[tuple[int, Outgoing]]) -> None:
        """Keep what a fill read, except what events invalidated while it was being read."""
        self._fills.remove(fill)
        if fill.everything:
            return
        for seq, text in items:
            if seq not in fill.dirty:
                self.store(seq, text)

    def abandon_fill(self, fill: Fill) -> None:
        self._fills.remove(fill)
