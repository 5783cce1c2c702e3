"""One stream's events in one server process: in seq order, gap-filled, flushed in batches.

Two processes can commit seq 5 and 6 and publish them in the other order, and the channel layer
may drop an event. ``StreamFeed`` therefore emits new items strictly by seq: an event that
arrives early is held, and if the missing seq has not arrived after a few milliseconds it is
read from the database (it is committed: an item is published only after its commit, and seq N
commits before N+1 can take the stream's lock). Events about an item (edits, reactions) wait
until that item has gone out. Events without a seq (typing, presence) go out as they come.

The feed also keeps the items it emits in a ``ReplayCache`` (``realtime.replay``), so that sockets
resuming on the stream are sent them without a database read each (``replay``).
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

from hub.errors import HubError
from realtime.envelopes import Envelope
from realtime.replay import ReplayCache
from realtime.subscriber import Batch, Subscriber
from realtime.wire import Outgoing
from realtime.write_batches import StreamWriteBatcher

logger = logging.getLogger(__name__)

# (stream id, first seq, last seq) -> [(seq, encoded frame)], ascending.
FetchMissing = Callable[[int, int, int], Awaitable[list[tuple[int, str]]]]


class StreamFeed:
    def __init__(
        self,
        stream_id: int,
        fetch_missing: FetchMissing,
        gap_wait: float,
        batch_window: float = 0,
        *,
        cache_items: int = 1000,
        cache_seconds: float = 60,
    ) -> None:
        self.stream_id = stream_id
        self.subscribers: set[Subscriber] = set()
        self._sockets_of_user: Counter[int] = Counter()
        self.next_seq: int | None = None  # unknown until initialize(); events wait until then
        self._early: list[Envelope] = []
        self._held: dict[int, str] = {}
        self._held_about: dict[int, list[Envelope]] = {}
        self._fetch_missing = fetch_missing
        self._gap_wait = gap_wait
        self._gap_task: asyncio.Task[None] | None = None
        # Events emitted within ``batch_window`` of the last flush wait for the next one.
        self._batch_window = batch_window
        self._pending: list[tuple[int | None, Outgoing, int | None, list[str] | None]] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._flushed_at = float("-inf")
        self.cache = ReplayCache(cache_items, cache_seconds)
        # Resumers that arrive while one read of missing items is under way share the next one.
        self._reads: StreamWriteBatcher[tuple[int, int], dict[int, Outgoing]] = StreamWriteBatcher(
            self._read_ranges, batch_max=100_000
        )

    def add(self, subscriber: Subscriber) -> bool:
        """Add a socket; whether it is its user's first in this feed."""
        self.subscribers.add(subscriber)
        self._sockets_of_user[subscriber.user_id] += 1
        return self._sockets_of_user[subscriber.user_id] == 1

    def discard(self, subscriber: Subscriber) -> bool:
        """Remove a socket; whether it was its user's last in this feed."""
        if subscriber not in self.subscribers:
            return False
        self.subscribers.discard(subscriber)
        self._sockets_of_user[subscriber.user_id] -= 1
        if self._sockets_of_user[subscriber.user_id] > 0:
            return False
        del self._sockets_of_user[subscriber.user_id]
        return True

    @property
    def last_seq(self) -> int:
        """The last item emitted: every later one reaches the subscribers added by now."""
        assert self.next_seq is not None  # noqa: S101 (a feed is initialized as it is made)
        return self.next_seq - 1

    async def replay(self, after: int, limit: int) -> tuple[int, list[tuple[int, Outgoing]], int | None]:
        """For a subscriber already added: ``(last_seq, items, truncated_from)``, the items after
        ``after`` up to ``last_seq`` (the newest ``limit`` of them, ascending), from the cache and,
        for what it lacks, one database read shared with every resumer arriving meanwhile.
        ``truncated_from`` is the first seq sent when more than ``limit`` were missing."""
        last = self.last_seq
        if after >= last:
            return last, [], None
        first = max(after + 1, last - limit + 1)
        found, missing = self.cache.lookup(first, last)
        if missing:
            read = await self._reads.submit((missing[0], missing[-1]))
            for seq in missing:
                text = read.get(seq)
                if text is not None:
                    found[seq] = text
        items = [(seq, found[seq]) for seq in range(first, last + 1) if seq in found]
        truncated_from = items[0][0] if last - after > limit and items else None
        return last, items, truncated_from

    async def _read_ranges(self, ranges: list[tuple[int, int]]) -> list[dict[int, Outgoing] | HubError]:
        fill = self.cache.begin_fill()
        try:
            read = await self._fetch_missing(
                self.stream_id, min(first for first, _last in ranges), max(last for _first, last in ranges)
            )
        except BaseException:
            self.cache.abandon_fill(fill)
            raise
        items = [(seq, Outgoing(text)) for seq, text in read]
        self.cache.end_fill(fill, items)
        found = dict(items)
        return [found] * len(ranges)

    def initialize(self, last_seq: int) -> None:
        """Start the feed after ``last_seq``, read *after* subscribing to the group."""
        self.next_seq = last_seq + 1
        early, self._early = self._early, []
        for envelope in early:
            self.on_event(envelope)

    async def catch_up(self, last_seq: int) -> None:
        """Emit, from the database, what the layer may have lost up to ``last_seq`` (after an outage)."""
        # Events about items may have been lost with the layer: nothing cached can be trusted.
        self.cache.clear()
        if self.next_seq is None or last_seq < self.next_seq:
            return
        for seq, text in await self._fetch_missing(self.stream_id, self.next_seq, last_seq):
            self._on_new_item(seq, text)

    def on_event(self, envelope: Envelope) -> None:
        if "close_user" in envelope:
            for subscriber in self._of_user(envelope["close_user"]):
                subscriber.close(envelope["code"])
            return
        if "set_role" in envelope:
            # Applied at once, ahead of queued frames: a demoted moderator's socket gets no
            # moderator-only frame flushed after this point.
            for subscriber in self._of_user(envelope["user"]):
                subscriber.role = envelope["set_role"]
            return
        if self.next_seq is None:
            self._early.append(envelope)
            return
        seq = envelope.get("seq")
        if seq is not None:
            self._on_new_item(seq, envelope["text"])
            return
        about = envelope.get("ref_seq")
        if about is not None:
            if about >= self.next_seq:
                self._held_about.setdefault(about, []).append(envelope)
                return
            self.cache.invalidate(about)
        if "frames" in envelope:
            for text, exclude in envelope["frames"]:
                self._emit(None, text, exclude=exclude, roles=envelope.get("roles"))
            return
        self._emit(None, envelope["text"], exclude=envelope.get("exclude"), roles=envelope.get("roles"))

    def _of_user(self, user_id: int) -> list[Subscriber]:
        return [subscriber for subscriber in self.subscribers if subscriber.user_id == user_id]

    def _on_new_item(self, seq: int, text: str) -> None:
        assert self.next_seq is not None  # noqa: S101 (initialize() runs before any event is emitted)
        if seq < self.next_seq:
            return  # already out (the replayed copy of a gap, or a duplicate)
        if seq > self.next_seq:
            self._held[seq] = text
            if self._gap_task is None or self._gap_task.done():
                self._gap_task = asyncio.get_running_loop().create_task(self._fill_gap())
            return
        outgoing = Outgoing(text)
        self._emit(seq, outgoing)
        self.cache.store(seq, outgoing)
        self.next_seq += 1
        for envelope in self._held_about.pop(seq, ()):
            self.cache.invalidate(seq)
            self._emit(None, envelope["text"], exclude=envelope.get("exclude"), roles=envelope.get("roles"))
        if seq + 1 in self._held:
            self._on_new_item(seq + 1, self._held.pop(seq + 1))

    def _emit(
        self, seq: int | None, frame: str | Outgoing, *, exclude: int | None = None, roles: list[str] | None = None
    ) -> None:
        # Framed once, on first use, for every subscriber (and every resumer the cache serves).
        self._pending.append((seq, frame if isinstance(frame, Outgoing) else Outgoing(frame), exclude, roles))
        if self._flush_at is not None:
            return
        loop = asyncio.get_running_loop()
        due = self._flushed_at + self._batch_window
        if loop.time() >= due:
            self._flush()  # the feed was quiet: no added latency
        else:
            self._flush_at = loop.call_at(due, self._flush)

    def _flush(self) -> None:
        """Hand everything pending to the subscribers: one write per socket, whatever the count.

        Under load a flush takes long enough for more events to arrive before the next one, so
        each socket gets several frames per write, which is where the kernel's cost per write goes.
        """
        self._flush_at = None
        pending, self._pending = self._pending, []
        batches: dict[tuple[int, ...], Batch] = {}
        plain = all(exclude is None and roles is None for _seq, _outgoing, exclude, roles in pending)
        everything = Batch([(seq, outgoing) for seq, outgoing, _exclude, _roles in pending]) if plain else None
        for subscriber in self.subscribers:
            batch = everything
            if batch is None:
                wanted = tuple(
                    index
                    for index, (_seq, _outgoing, exclude, roles) in enumerate(pending)
                    if subscriber.user_id != exclude and (roles is None or subscriber.role in roles)
                )
                if not wanted:
                    continue
                batch = batches.get(wanted)
                if batch is None:
                    batch = batches[wanted] = Batch([pending[index][:2] for index in wanted])
            subscriber.offer_batch(batch)
        self._flushed_at = asyncio.get_running_loop().time()

    async def _fill_gap(self) -> None:
        await asyncio.sleep(self._gap_wait)
        while self._held:
            assert self.next_seq is not None  # noqa: S101
            first_held = min(self._held)
            if first_held <= self.next_seq:
                self._on_new_item(first_held, self._held.pop(first_held))
                continue
            try:
                missing = await self._fetch_missing(self.stream_id, self.next_seq, first_held - 1)
            except Exception:
                logger.exception("could not read missing items", extra={"stream_id": self.stream_id})
                await asyncio.sleep(1)
                continue
            for seq, text in missing:
                self._on_new_item(seq, text)
            if self.next_seq < first_held:
                # Not found (cannot happen for committed seqs); skip rather than stall the stream.
                logger.error("seq gap could not be filled", extra={"stream_id": self.stream_id})
                self.next_seq = first_held
