"""Each server process's fan-out of space events to the sockets it holds.

A process subscribes to a space's group once, with one channel of its own, however many of its
sockets are in that space; each event arrives once per process, already encoded, and is handed
as the same string to every local socket. No database work happens per recipient.

Ordering and loss. Two processes can commit seq 5 and 6 and publish them in the other order,
and the channel layer may drop an event. ``SpaceFeed`` therefore emits new messages strictly by
seq: an event that arrives early is held, and if the missing seq has not arrived after a few
milliseconds it is read from the database (it is committed: a message is published only after
its commit, and seq N commits before N+1 can take the space lock). Events about a message
(edits, reactions) wait until that message has gone out.

Slow sockets. Each socket has a bounded outgoing queue drained by its own writer task, so a
socket that cannot keep up never stalls the others; when its queue is full it is closed with
``CLOSE_RESYNC`` and resumes from its last seq like any reconnecting client.
"""

import asyncio
import logging
import weakref
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from discussions.payloads import presence_frame
from discussions.realtime.presence import presence_heartbeat_seconds, presence_store
from discussions.realtime.publish import EVENT_TYPE, apublish, space_event, space_group
from discussions.realtime.wire import Outgoing, RawWriter

logger = logging.getLogger(__name__)

CLOSE_RESYNC = 4008
GROUP_REFRESH_SECONDS = 3600  # channels_redis forgets group members after a day
RECOVERY_RETRY_SECONDS = 1

FetchMissing = Callable[[int, int, int], Awaitable[list[tuple[int, str]]]]
RevokedReaders = Callable[[int, list[int]], Awaitable[dict[int, int]]]
ACCESS_RECHECK_SECONDS = 60


class Subscriber:
    """One socket's place in its space's feed.

    Until ``finish_replay`` the socket is catching up from the database, and live events are
    buffered; afterwards every new message with a seq it has already sent is dropped, so a
    resuming client gets no gap and no duplicate.

    With a ``raw`` writer (see ``wire``), a frame goes straight onto the socket's transport when
    nothing is queued ahead of it and the server is not holding writes back; otherwise it waits in
    the bounded queue for the writer task.
    """

    def __init__(
        self,
        *,
        user_id: int,
        username: str,
        role: str,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
        queue_max: int,
        raw: RawWriter | None = None,
    ) -> None:
        self.user_id = user_id
        self.username = username
        self.role = role
        self._send = send
        self._close = close
        self._raw = raw
        self._queue: deque[Outgoing] = deque()
        self._ready = asyncio.Event()
        self._buffer: list[tuple[int | None, Outgoing]] | None = []
        self._queue_max = queue_max
        self.last_seq = 0
        self.closed = False
        self._writer = asyncio.create_task(self._write_loop())

    def send_now(self, text: str) -> None:
        """Queue a frame for this socket alone (hello, replay, answers to its own frames)."""
        self._enqueue(Outgoing(text))

    def offer(self, seq: int | None, outgoing: Outgoing) -> None:
        """A frame from the feed, shared with the other subscribers."""
        if self._buffer is not None:
            if len(self._buffer) >= self._queue_max:
                self.close(CLOSE_RESYNC)
            else:
                self._buffer.append((seq, outgoing))
            return
        self._offer_live(seq, outgoing)

    def offer_batch(self, batch: "Batch") -> None:
        """Frames from one flush of the feed: written together when the socket is simply live."""
        raw = self._raw
        if (
            self.closed
            or raw is None
            or self._buffer is not None
            or self._queue
            or (batch.first_seq is not None and batch.first_seq <= self.last_seq)
            or not raw.writable_now()
        ):
            for seq, outgoing in batch.items:
                self.offer(seq, outgoing)
            return
        if batch.last_seq is not None:
            self.last_seq = batch.last_seq
        if raw.open:
            raw.write(batch.frames)

    def finish_replay(self, last_replayed_seq: int) -> None:
        self.last_seq = max(self.last_seq, last_replayed_seq)
        buffered, self._buffer = self._buffer or [], None
        for seq, outgoing in buffered:
            self._offer_live(seq, outgoing)

    def _offer_live(self, seq: int | None, outgoing: Outgoing) -> None:
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        self._enqueue(outgoing)

    def _enqueue(self, outgoing: Outgoing) -> None:
        if self.closed:
            return
        raw = self._raw
        if raw is not None and not self._queue and raw.writable_now():
            if raw.open:
                raw.write(outgoing.frame)
            return
        if len(self._queue) >= self._queue_max:
            logger.info("socket too slow, closing it to resync", extra={"user_id": self.user_id})
            self.close(CLOSE_RESYNC)
            return
        self._queue.append(outgoing)
        self._ready.set()

    def close(self, code: int) -> None:
        if self.closed:
            return
        self.closed = True
        self._writer.cancel()
        task = asyncio.get_running_loop().create_task(self._close(code))
        _background.add(task)
        task.add_done_callback(_background.discard)

    def stop(self) -> None:
        self.closed = True
        self._writer.cancel()

    async def _write_loop(self) -> None:
        queue, ready, send, raw = self._queue, self._ready, self._send, self._raw
        try:
            while True:
                await ready.wait()
                # Everything queued goes out before the next wait: one wake-up per burst.
                while queue:
                    if raw is None:
                        await send(queue.popleft().text)
                        continue
                    if not raw.writable_now():
                        await raw.wait_writable()
                    if not raw.open:
                        self.closed = True
                        return
                    raw.write(b"".join(outgoing.frame for outgoing in queue))
                    queue.clear()
                ready.clear()
        except asyncio.CancelledError:
            raise
        except Exception:
            # The client went away mid-send; the consumer's disconnect detaches this subscriber.
            self.closed = True


_background: set[asyncio.Task] = set()


class Batch:
    """Frames going to the same sockets in one flush, with their seq range and joined wire bytes."""

    __slots__ = ("_frames", "first_seq", "items", "last_seq")

    def __init__(self, items: list[tuple[int | None, Outgoing]]) -> None:
        self.items = items
        seqs = [seq for seq, _outgoing in items if seq is not None]
        self.first_seq = seqs[0] if seqs else None
        self.last_seq = seqs[-1] if seqs else None
        self._frames: bytes | None = None

    @property
    def frames(self) -> bytes:
        if self._frames is None:
            self._frames = b"".join(outgoing.frame for _seq, outgoing in self.items)
        return self._frames


class SpaceFeed:
    """One space's events in this process, in seq order, gap-filled from the database."""

    def __init__(self, space_id: int, fetch_missing: FetchMissing, gap_wait: float, batch_window: float = 0) -> None:
        self.space_id = space_id
        self.subscribers: set[Subscriber] = set()
        self.next_seq: int | None = None  # unknown until initialize(); events wait until then
        self._early: list[dict[str, Any]] = []
        self._held: dict[int, str] = {}
        self._held_about: dict[int, list[dict[str, Any]]] = {}
        self._fetch_missing = fetch_missing
        self._gap_wait = gap_wait
        self._gap_task: asyncio.Task | None = None
        # Events emitted within ``batch_window`` of the last flush wait for the next one.
        self._batch_window = batch_window
        self._pending: list[tuple[int | None, Outgoing, int | None, list[str] | None]] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._flushed_at = float("-inf")

    def initialize(self, last_seq: int) -> None:
        """Start the feed after ``last_seq``, read *after* subscribing to the group."""
        self.next_seq = last_seq + 1
        early, self._early = self._early, []
        for event in early:
            self.on_event(event)

    async def catch_up(self, last_seq: int) -> None:
        """Emit, from the database, what the layer may have lost up to ``last_seq`` (after an outage)."""
        if self.next_seq is None or last_seq < self.next_seq:
            return
        for seq, text in await self._fetch_missing(self.space_id, self.next_seq, last_seq):
            self._on_new_message(seq, text)

    def on_event(self, event: dict[str, Any]) -> None:
        if self.next_seq is None:
            self._early.append(event)
            return
        if "close_user" in event:
            for subscriber in [s for s in self.subscribers if s.user_id == event["close_user"]]:
                subscriber.close(event["code"])
            return
        seq = event.get("seq")
        if seq is not None:
            self._on_new_message(seq, event["text"])
            return
        about = event.get("ref_seq")
        if about is not None and about >= self.next_seq:
            self._held_about.setdefault(about, []).append(event)
            return
        self._emit(None, event["text"], exclude=event.get("exclude"), roles=event.get("roles"))

    def _on_new_message(self, seq: int, text: str) -> None:
        if seq < self.next_seq:
            return  # already out (the replayed copy of a gap, or a duplicate)
        if seq > self.next_seq:
            self._held[seq] = text
            if self._gap_task is None or self._gap_task.done():
                self._gap_task = asyncio.get_running_loop().create_task(self._fill_gap())
            return
        self._emit(seq, text)
        self.next_seq += 1
        for event in self._held_about.pop(seq, ()):
            self._emit(None, event["text"], exclude=event.get("exclude"), roles=event.get("roles"))
        if seq + 1 in self._held:
            self._on_new_message(seq + 1, self._held.pop(seq + 1))

    def _emit(self, seq: int | None, text: str, *, exclude: int | None = None, roles: list[str] | None = None) -> None:
        # Framed once, on first use, for every subscriber.
        self._pending.append((seq, Outgoing(text), exclude, roles))
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
            first_held = min(self._held)
            if first_held <= self.next_seq:
                self._on_new_message(first_held, self._held.pop(first_held))
                continue
            try:
                missing = await self._fetch_missing(self.space_id, self.next_seq, first_held - 1)
            except Exception:
                logger.exception("could not read missing messages", extra={"space_id": self.space_id})
                await asyncio.sleep(1)
                continue
            for seq, text in missing:
                self._on_new_message(seq, text)
            if self.next_seq < first_held:
                # Not found (cannot happen for committed seqs); skip rather than stall the space.
                logger.error("seq gap could not be filled", extra={"space_id": self.space_id})
                self.next_seq = first_held


class LocalFanout:
    """The fan-out of one event loop (one server process, or one test)."""

    def __init__(
        self,
        *,
        last_seq_of: Callable[[int], Awaitable[int]],
        fetch_missing: FetchMissing,
        revoked_readers: RevokedReaders | None = None,
    ) -> None:
        self.layer = get_channel_layer()
        self.presence = presence_store()
        self.feeds: dict[int, SpaceFeed] = {}
        # Held while a space's group subscription changes, so that adding and dropping a feed
        # never interleave (the process channel is shared by all its feeds).
        self._space_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_seq_of = last_seq_of
        self._fetch_missing = fetch_missing
        self._revoked_readers = revoked_readers
        self._gap_wait = settings.DISCUSSION_GAP_WAIT_SECONDS
        self._batch_window = settings.DISCUSSION_FANOUT_BATCH_SECONDS
        self._channel: str | None = None
        self._start_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._stopping = False

    async def _ensure_started(self) -> str:
        async with self._start_lock:
            if self._channel is None:
                self._channel = await self.layer.new_channel(prefix="hubproc")
                loop = asyncio.get_running_loop()
                self._tasks = [loop.create_task(self._read_loop()), loop.create_task(self._heartbeat_loop())]
        return self._channel

    async def attach(self, space_id: int, subscriber: Subscriber) -> None:
        """Add a socket to its space's feed; subscribes this process to the space on first use."""
        channel = await self._ensure_started()
        async with self._space_locks[space_id]:
            feed = self.feeds.get(space_id)
            if feed is None:
                feed = self.feeds[space_id] = SpaceFeed(
                    space_id, self._fetch_missing, self._gap_wait, self._batch_window
                )
                feed.subscribers.add(subscriber)
                await self.layer.group_add(space_group(space_id), channel)
                feed.initialize(await self._last_seq_of(space_id))
            else:
                feed.subscribers.add(subscriber)
        await self._presence_change(space_id, subscriber, online=True)

    async def detach(self, space_id: int, subscriber: Subscriber) -> None:
        subscriber.stop()
        feed = self.feeds.get(space_id)
        if feed is None or subscriber not in feed.subscribers:
            return
        feed.subscribers.discard(subscriber)
        if not any(other.user_id == subscriber.user_id for other in feed.subscribers):
            await self._presence_change(space_id, subscriber, online=False)

    async def _presence_change(self, space_id: int, subscriber: Subscriber, *, online: bool) -> None:
        """Record a user's arrival or departure and announce it if it changes who is online.

        Announcing each arrival to everyone costs O(online) frames per join, O(n²) for a crowd
        arriving together; past the limit clients read presence from hello and the members list,
        and the full list is not even read here (a count decides).
        """
        username = subscriber.username
        limit = settings.DISCUSSION_PRESENCE_BROADCAST_LIMIT
        try:
            if online:
                crowded = await self.presence.count(space_id) >= limit
                before = [] if crowded else await self.presence.online(space_id)
                await self.presence.add(space_id, username)
                changed = not crowded and username not in before
            else:
                await self.presence.remove(space_id, username)
                crowded = await self.presence.count(space_id) >= limit
                changed = not crowded and username not in await self.presence.online(space_id)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return
        if changed:
            frame = presence_frame(username, online=online)
            await apublish(space_event(space_id, frame, exclude_user_id=subscriber.user_id))

    async def typing_allowed(self, space_id: int, user_id: int) -> bool:
        try:
            return await self.presence.typing_allowed(space_id, user_id)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return False

    async def online(self, space_id: int) -> list[str]:
        try:
            return await self.presence.online(space_id)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return []

    async def _read_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self._channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._stopping:
                    return  # redis-py can turn a cancellation into its own TimeoutError
                # Redis away: writes still commit and HTTP keeps serving. Once Redis answers
                # again, subscribe anew (a restarted Redis has forgotten its groups) and emit from
                # the database whatever was committed meanwhile.
                logger.warning("channel layer receive failed; recovering", exc_info=True)
                await self._recover()
                continue
            if message.get("type") != EVENT_TYPE:
                continue
            feed = self.feeds.get(message["space"])
            if feed is not None:
                feed.on_event(message)

    async def _recover(self) -> None:
        while not self._stopping:
            await asyncio.sleep(RECOVERY_RETRY_SECONDS)
            try:
                for space_id in list(self.feeds):
                    async with self._space_locks[space_id]:
                        await self.layer.group_add(space_group(space_id), self._channel)
                for space_id, feed in list(self.feeds.items()):
                    await feed.catch_up(await self._last_seq_of(space_id))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer still unavailable", exc_info=True)
                continue
            logger.info("channel layer recovered", extra={"spaces": len(self.feeds)})
            await self.recheck_access()  # bans and departures during the outage sent no event here
            return

    async def recheck_access(self) -> None:
        """Close the sockets of users who may no longer read their space (a ban or departure
        whose close event the layer lost). Runs after an outage and every minute."""
        if self._revoked_readers is None:
            return
        for space_id, feed in list(self.feeds.items()):
            user_ids = sorted({subscriber.user_id for subscriber in feed.subscribers})
            if not user_ids:
                continue
            try:
                revoked = await self._revoked_readers(space_id, user_ids)
            except Exception:
                logger.warning("could not re-check access", exc_info=True, extra={"space_id": space_id})
                continue
            for subscriber in [s for s in feed.subscribers if s.user_id in revoked]:
                logger.info("closing a socket whose access was revoked", extra={"user_id": subscriber.user_id})
                subscriber.close(revoked[subscriber.user_id])

    async def _heartbeat_loop(self) -> None:
        since_group_refresh = since_access_check = 0.0
        while True:
            heartbeat = presence_heartbeat_seconds()
            await asyncio.sleep(heartbeat)
            since_group_refresh += heartbeat
            since_access_check += heartbeat
            try:
                if since_access_check >= ACCESS_RECHECK_SECONDS:
                    since_access_check = 0.0
                    await self.recheck_access()
                await self._drop_empty_feeds()
                await self.presence.refresh(
                    {(space_id, s.username) for space_id, feed in self.feeds.items() for s in feed.subscribers}
                )
                if since_group_refresh >= GROUP_REFRESH_SECONDS:
                    since_group_refresh = 0.0
                    for space_id in list(self.feeds):
                        await self.layer.group_add(space_group(space_id), self._channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("fan-out heartbeat failed")

    async def _drop_empty_feeds(self) -> None:
        for space_id in list(self.feeds):
            async with self._space_locks[space_id]:
                feed = self.feeds.get(space_id)
                if feed is None or feed.subscribers:
                    continue
                del self.feeds[space_id]
                await self.layer.group_discard(space_group(space_id), self._channel)

    async def shutdown(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await self.presence.close()


_fanouts: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LocalFanout]" = weakref.WeakKeyDictionary()


def current_fanout() -> LocalFanout | None:
    """This event loop's fan-out, if it has one."""
    return _fanouts.get(asyncio.get_running_loop())


def local_fanout(factory: Callable[[], LocalFanout]) -> LocalFanout:
    """This event loop's fan-out, made by ``factory`` on first use."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        fanout = _fanouts[loop] = factory()
    return fanout
