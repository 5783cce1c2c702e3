"""Each server process's fan-out of stream events to the sockets it holds.

A process subscribes to a stream's group once, with one channel of its own, however many of its
sockets follow that stream; each envelope arrives once per process, already encoded, and is
handed as the same bytes to every local socket (``feed``, ``subscriber``, ``wire``). No database
work happens per recipient.

The layer is at-most-once and Redis may restart: after a failed receive the process subscribes
anew and catches every feed up from the database; and every ``REALTIME_ACCESS_RECHECK_SECONDS``
(and after an outage) it re-checks, through each stream kind's ``check_readers`` and the
registered credential checks, that its sockets' users may still read their streams, in case a
close or role envelope was lost.
"""

import asyncio
import gc
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from hub.db import database_sync_to_async
from hub.errors import HubError
from realtime.admission import admitting, stop_deferring
from realtime.codes import CloseCode
from realtime.credentials import revoked_credentials
from realtime.envelopes import ENVELOPE_TYPE, Envelope, frames_envelope
from realtime.feed import StreamFeed
from realtime.loop_watch import start_loop_watch
from realtime.presence import PresenceStore, announcements, presence_heartbeat_seconds, presence_store
from realtime.publish import apublish
from realtime.replay import replay_cache_items, replay_cache_seconds
from realtime.streams import CONTROL_GROUP, StreamKind, parse_stream_group, stream_kind
from realtime.subscriber import Subscriber
from realtime.wire import Outgoing
from realtime.write_batches import StreamWriteBatcher

logger = logging.getLogger(__name__)

GROUP_REFRESH_SECONDS = 3600  # channels_redis forgets group members after a day
RECOVERY_RETRY_SECONDS = 1
# The most arrivals or departures written together; batches of the handshake's reads are as large
# (accounts.socket_auth, discussions.consumers). Every socket of a batch continues in the same turn
# of the event loop once it is written: batches of several hundred held the loop for as long,
# while the sockets already connected waited for their messages.
HANDSHAKE_BATCH_MAX = 64
# The most sockets of one such batch that continue in the same turn of the loop: the rest continue
# in the turns after, and the loop polls its sockets between (``StreamWriteBatcher``), so that the
# frames of members already connected wait behind 8 handshakes at most, not 64.


def handshake_release_max() -> int | None:
    """``REALTIME_HANDSHAKE_RELEASE_MAX`` (8; 0: a whole batch at once, as before)."""
    return int(getattr(settings, "REALTIME_HANDSHAKE_RELEASE_MAX", 8)) or None


ONLINE_SNAPSHOT_SECONDS = 1.0  # how old a stream's list of who is online may be when a socket's hello reads it


@dataclass(frozen=True)
class _PresenceChange:
    group: str
    user_id: int
    username: str
    online: bool


@dataclass(frozen=True)
class Online:
    """Who is online in a stream, as of ``at`` (monotonic): sorted usernames."""

    usernames: list[str]
    at: float


class _KindReads:
    """A stream kind's reads, run on the database thread."""

    def __init__(self, kind: StreamKind) -> None:
        self.kind = kind
        self.last_seq: Callable[[int], Awaitable[int]] = database_sync_to_async(kind.last_seq)
        self.read_missing: Callable[[int, int, int], Awaitable[list[tuple[int, str]]]] = database_sync_to_async(
            kind.read_missing
        )
        self.check_readers = database_sync_to_async(kind.check_readers) if kind.check_readers else None


class ProcessFanout:
    """The fan-out of one event loop (one server process, or one test)."""

    def __init__(self) -> None:
        self.layer: Any = get_channel_layer()
        self.presence: PresenceStore = presence_store()
        self.feeds: dict[str, StreamFeed] = {}  # by layer group
        # Held while a stream's group subscription changes, so that adding and dropping a feed
        # never interleave (the process channel is shared by all its feeds).
        self._stream_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._reads: dict[str, _KindReads] = {}
        self._gap_wait = settings.REALTIME_GAP_WAIT_SECONDS
        self._batch_window = settings.REALTIME_FANOUT_BATCH_SECONDS
        self._channel: str | None = None
        self._start_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        # Arrivals and departures that come while one batch of them is written share the next.
        self._presence_writes: StreamWriteBatcher[_PresenceChange, None] = StreamWriteBatcher(
            self._write_presence, batch_max=HANDSHAKE_BATCH_MAX, release_max=handshake_release_max()
        )
        self._online: dict[str, Online] = {}  # by layer group, as the last presence write left it

    def _reads_of(self, group: str) -> _KindReads:
        kind_name, _stream_id = parse_stream_group(group)
        reads = self._reads.get(kind_name)
        if reads is None:
            reads = self._reads[kind_name] = _KindReads(stream_kind(kind_name))
        return reads

    async def _ensure_started(self) -> str:
        if self._channel is not None:
            return self._channel
        async with self._start_lock:
            if self._channel is None:
                _freeze_startup_heap()
                start_loop_watch()
                self._channel = await self.layer.new_channel(prefix="hubproc")
                await self.layer.group_add(CONTROL_GROUP, self._channel)
                loop = asyncio.get_running_loop()
                self._tasks = [loop.create_task(self._read_loop()), loop.create_task(self._heartbeat_loop())]
        return self._channel

    async def attach(self, group: str, subscriber: Subscriber) -> None:
        """Add a socket to its stream's feed; subscribes this process to the stream on first use."""
        admitting()
        channel = await self._ensure_started()
        reads = self._reads_of(group)
        feed = self.feeds.get(group)
        if feed is not None and feed.next_seq is not None:
            first_of_user = feed.add(subscriber)  # the common case, without waiting for the lock
        else:
            async with self._stream_locks[group]:
                feed = self.feeds.get(group)
                if feed is None:
                    _kind, stream_id = parse_stream_group(group)
                    feed = self.feeds[group] = StreamFeed(
                        stream_id, reads.read_missing, self._gap_wait, self._batch_window,
                        cache_items=replay_cache_items(), cache_seconds=replay_cache_seconds(),
                    )  # fmt: skip
                    first_of_user = feed.add(subscriber)
                    await self.layer.group_add(group, channel)
                    feed.initialize(await reads.last_seq(stream_id))
                else:
                    first_of_user = feed.add(subscriber)
        if reads.kind.presence and first_of_user:
            await self._presence_change(group, subscriber, online=True)

    async def detach(self, group: str, subscriber: Subscriber) -> None:
        subscriber.stop()
        feed = self.feeds.get(group)
        if feed is None:
            return
        if feed.discard(subscriber) and self._reads_of(group).kind.presence:
            await self._presence_change(group, subscriber, online=False)

    def live_seq(self, group: str) -> int:
        """For a socket attached to ``group``: the seq after which its live frames take over."""
        return self.feeds[group].last_seq

    async def replay(self, group: str, after: int, limit: int) -> tuple[int, list[tuple[int, Outgoing]], int | None]:
        """For a socket attached to ``group``, what it missed after ``after``: ``(last_seq, items,
        truncated_from)`` (see ``StreamFeed.replay``)."""
        return await self.feeds[group].replay(after, limit)

    async def _presence_change(self, group: str, subscriber: Subscriber, *, online: bool) -> None:
        change = _PresenceChange(group, subscriber.user_id, subscriber.username, online)
        try:
            await self._presence_writes.submit(change)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)

    async def _write_presence(self, changes: list[_PresenceChange]) -> list[HubError | None]:
        """One batch of arrivals and departures: one round trip to the presence store, then per
        stream one envelope with the ``presence`` frames it calls for."""
        by_stream: dict[str, dict[str, bool]] = {}
        user_ids: dict[tuple[str, str], int] = {}
        for change in changes:
            by_stream.setdefault(change.group, {})[change.username] = change.online
            user_ids[change.group, change.username] = change.user_id
        states = await self.presence.change_many(by_stream)
        now = time.monotonic()
        for group, users in by_stream.items():
            state = states[group]
            self._online[group] = Online(state.usernames, now)
            frames = [(frame, user_ids[group, frame["username"]]) for frame in announcements(users, state)]
            if frames:
                kind, stream_id = parse_stream_group(group)
                await apublish(frames_envelope(kind, stream_id, frames))
        return [None] * len(changes)

    async def online_now(self, group: str) -> list[str]:
        """Who is online in a stream, sorted: as this process's last presence write for it left it
        (a crowd arriving together shares one read), or read afresh when that is over a second old."""
        online = self._online.get(group)
        if online is None or time.monotonic() - online.at > ONLINE_SNAPSHOT_SECONDS:
            online = self._online[group] = Online(await self.online(group), time.monotonic())
        return online.usernames

    async def typing_allowed(self, group: str, user_id: int) -> bool:
        try:
            return await self.presence.typing_allowed(group, user_id)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return False

    async def online(self, group: str) -> list[str]:
        try:
            return await self.presence.online(group)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return []

    def _on_envelope(self, envelope: Envelope) -> None:
        if envelope["stream"] == CONTROL_GROUP:
            credential = envelope.get("close_credential")
            if credential is not None:
                self._close_credentials({credential}, envelope["code"])
            return
        feed = self.feeds.get(envelope["stream"])
        if feed is not None:
            feed.on_event(envelope)

    def _close_credentials(self, credentials: set[str], code: int) -> None:
        for feed in self.feeds.values():
            for subscriber in [s for s in feed.subscribers if s.credential in credentials]:
                logger.info("closing a socket whose credential was revoked", extra={"user_id": subscriber.user_id})
                subscriber.close(code)

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
            if message.get("type") == ENVELOPE_TYPE:
                self._on_envelope(message)

    async def _recover(self) -> None:
        while not self._stopping:
            await asyncio.sleep(RECOVERY_RETRY_SECONDS)
            try:
                await self.layer.group_add(CONTROL_GROUP, self._channel)
                for group in list(self.feeds):
                    async with self._stream_locks[group]:
                        await self.layer.group_add(group, self._channel)
                for group, feed in list(self.feeds.items()):
                    await feed.catch_up(await self._reads_of(group).last_seq(feed.stream_id))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer still unavailable", exc_info=True)
                continue
            logger.info("channel layer recovered", extra={"streams": len(self.feeds)})
            await self.recheck_access()  # bans and departures during the outage sent no event here
            return

    async def recheck_access(self) -> None:
        """Close the sockets of users who may no longer read their stream, and apply role changes
        (a ban, departure, demotion or revoked token whose envelope the layer lost)."""
        for group, feed in list(self.feeds.items()):
            check_readers = self._reads_of(group).check_readers
            user_ids = sorted({subscriber.user_id for subscriber in feed.subscribers})
            if check_readers is None or not user_ids:
                continue
            try:
                check = await check_readers(feed.stream_id, user_ids)
            except Exception:
                logger.warning("could not re-check access", exc_info=True, extra={"stream": group})
                continue
            for subscriber in list(feed.subscribers):
                if subscriber.user_id in check.closed:
                    logger.info("closing a socket whose access was revoked", extra={"user_id": subscriber.user_id})
                    subscriber.close(check.closed[subscriber.user_id])
                elif subscriber.user_id in check.roles:
                    subscriber.role = check.roles[subscriber.user_id]
        credentials = {s.credential for feed in self.feeds.values() for s in feed.subscribers if s.credential}
        if credentials:
            try:
                revoked = await database_sync_to_async(revoked_credentials)(credentials)
            except Exception:
                logger.warning("could not re-check credentials", exc_info=True)
                return
            self._close_credentials(revoked, CloseCode.UNAUTHENTICATED)

    async def _heartbeat_loop(self) -> None:
        since_group_refresh = since_access_check = 0.0
        while True:
            heartbeat = presence_heartbeat_seconds()
            await asyncio.sleep(heartbeat)
            since_group_refresh += heartbeat
            since_access_check += heartbeat
            try:
                if since_access_check >= settings.REALTIME_ACCESS_RECHECK_SECONDS:
                    since_access_check = 0.0
                    await self.recheck_access()
                await self._drop_empty_feeds()
                await self.presence.refresh(
                    {
                        (group, subscriber.username)
                        for group, feed in self.feeds.items()
                        if self._reads_of(group).kind.presence
                        for subscriber in feed.subscribers
                    }
                )
                if since_group_refresh >= GROUP_REFRESH_SECONDS:
                    since_group_refresh = 0.0
                    await self.layer.group_add(CONTROL_GROUP, self._channel)
                    for group in list(self.feeds):
                        await self.layer.group_add(group, self._channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("fan-out heartbeat failed")

    async def _drop_empty_feeds(self) -> None:
        for group in list(self.feeds):
            async with self._stream_locks[group]:
                feed = self.feeds.get(group)
                if feed is None or feed.subscribers:
                    continue
                del self.feeds[group]
                self._online.pop(group, None)
                await self.layer.group_discard(group, self._channel)

    async def shutdown(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await self.presence.close()


_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Once per process, as its first socket arrives: move everything alive (Django, the apps, their
    modules) out of the cyclic garbage collector's reach (``gc.freeze``).

    A crowd of sockets allocates enough objects to trigger full collections, and each traversed the
    whole heap: 110-150 ms with the event loop stopped, measured during a 1,000-socket storm, which
    every connected member felt as latency. Frozen, the same collections take 40-50 ms. Cycles
    alive at that moment are never collected: a one-off, bounded cost.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


_fanouts: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ProcessFanout]" = weakref.WeakKeyDictionary()


def current_fanout() -> ProcessFanout | None:
    """This event loop's fan-out, if it has one."""
    return _fanouts.get(asyncio.get_running_loop())


def process_fanout() -> ProcessFanout:
    """This event loop's fan-out, made on first use."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        fanout = _fanouts[loop] = ProcessFanout()
    return fanout


async def fanout_shutdown() -> None:
    """Stop this event loop's fan-out (tests, whose loops end with them)."""
    fanout = _fanouts.pop(asyncio.get_running_loop(), None)
    stop_deferring()  # its timer would never fire once the loop has ended
    if fanout is not None:
        await fanout.shutdown()
