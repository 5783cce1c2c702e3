"""Who is online in each stream, across server processes, announcing it, and the typing throttle.

With Redis: a sorted set per stream whose members are ``username`` + this process's token, scored
by when the entry expires. Each process refreshes its own entries on a heartbeat, so the entries
of a process that dies expire on their own. Embedded mode (one server process): in memory.
Streams are named by their layer group (``discussions.space.42``).
"""

import logging
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

from config.redis_urls import async_redis_client, redis_client
from realtime.frames import PresenceFrame, presence_frame

logger = logging.getLogger(__name__)

TYPING_INTERVAL_SECONDS = 3


def presence_ttl_seconds() -> float:
    return settings.REALTIME_PRESENCE_TTL_SECONDS


def presence_heartbeat_seconds() -> float:
    """Entries are refreshed three times per lifetime, so one late heartbeat loses nobody."""
    return presence_ttl_seconds() / 3


@dataclass(frozen=True)
class StreamPresence:
    """A stream's presence just after a batch of changes: how many live entries it had before
    them, and each online user's live entries after (a user served by two processes has two)."""

    entries_before: int
    entries: Counter[str]

    @property
    def usernames(self) -> list[str]:
        return sorted(self.entries)


# stream -> {username: online}: this process's changes, the last one of each user in a batch.
PresenceChanges = Mapping[str, Mapping[str, bool]]


class MemoryPresence:
    def __init__(self) -> None:
        self._online: dict[str, Counter[str]] = {}
        self._typing: dict[tuple[str, int], float] = {}

    async def add(self, stream: str, username: str) -> None:
        self._online.setdefault(stream, Counter())[username] += 1

    async def remove(self, stream: str, username: str) -> None:
        counter = self._online.get(stream)
        if counter is not None:
            counter[username] -= 1
            if counter[username] <= 0:
                del counter[username]

    async def refresh(self, entries: Iterable[tuple[str, str]]) -> None:
        return None

    async def change_many(self, changes: PresenceChanges) -> dict[str, StreamPresence]:
        states = {}
        for stream, users in changes.items():
            before = len(self._online.get(stream, ()))
            for username, online in users.items():
                await (self.add if online else self.remove)(stream, username)
            states[stream] = StreamPresence(before, Counter(self._online.get(stream, Counter())))
        return states

    async def online(self, stream: str) -> list[str]:
        return sorted(self._online.get(stream, ()))

    async def count(self, stream: str) -> int:
        return len(self._online.get(stream, ()))

    async def typing_allowed(self, stream: str, user_id: int) -> bool:
        now = time.monotonic()
        key = (stream, user_id)
        if now - self._typing.get(key, -TYPING_INTERVAL_SECONDS) < TYPING_INTERVAL_SECONDS:
            return False
        self._typing[key] = now
        return True

    async def close(self) -> None:
        return None


def _member_username(member: object) -> str:
    """The username of a ``username\\nprocess`` member, read as bytes (replies are not decoded)."""
    if not isinstance(member, bytes):  # redis-py types a reply for every client option
        raise TypeError(f"unexpected presence member {member!r}")
    return member.decode().split("\n", 1)[0]


class RedisPresence:
    """Entries are per (username, process): one process leaving does not hide a user another serves."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = async_redis_client(url)  # a redis:// URL or a Sentinel location
        self._prefix = prefix
        self._process = uuid.uuid4().hex[:12]

    def _key(self, stream: str) -> str:
        return f"{self._prefix}:presence:{stream}"

    def _member(self, username: str) -> str:
        return f"{username}\n{self._process}"

    async def add(self, stream: str, username: str) -> None:
        await self.refresh([(stream, username)])

    async def remove(self, stream: str, username: str) -> None:
        await self._redis.zrem(self._key(stream), self._member(username))

    async def refresh(self, entries: Iterable[tuple[str, str]]) -> None:
        ttl = presence_ttl_seconds()
        now = time.time()
        by_stream: dict[str, dict[str, float]] = {}
        for stream, username in entries:
            by_stream.setdefault(stream, {})[self._member(username)] = now + ttl
        # Three commands per stream, not per socket: a heartbeat of a crowded stream is one ZADD.
        async with self._redis.pipeline(transaction=False) as pipe:
            for stream, members in by_stream.items():
                key = self._key(stream)
                pipe.zadd(key, members)
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.expire(key, int(ttl * 2) + 1)
            await pipe.execute()

    async def change_many(self, changes: PresenceChanges) -> dict[str, StreamPresence]:
        """This process's arrivals and departures on many streams, and each stream's presence
        after them, in one round trip: a crowd arriving together is one ``ZADD`` per stream."""
        ttl = presence_ttl_seconds()
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            for stream, users in changes.items():
                key = self._key(stream)
                pipe.zcount(key, now, "+inf")
                arrivals = {self._member(username): now + ttl for username, online in users.items() if online}
                departures = [self._member(username) for username, online in users.items() if not online]
                if arrivals:
                    pipe.zadd(key, arrivals)
                if departures:
                    pipe.zrem(key, *departures)
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.expire(key, int(ttl * 2) + 1)
                pipe.zrangebyscore(key, now, "+inf")
            replies = iter(await pipe.execute())
        states: dict[str, StreamPresence] = {}
        for stream, users in changes.items():
            entries_before = next(replies)
            # ZADD if any arrived, ZREM if any left, then ZREMRANGEBYSCORE and EXPIRE.
            for _reply in range(any(users.values()) + (not all(users.values())) + 2):
                next(replies)
            entries = Counter(_member_username(member) for member in next(replies))
            states[stream] = StreamPresence(int(entries_before), entries)
        return states

    async def online(self, stream: str) -> list[str]:
        members = await self._redis.zrangebyscore(self._key(stream), time.time(), "+inf")
        return sorted({_member_username(member) for member in members})

    async def count(self, stream: str) -> int:
        """Live entries: at least the users online (a user on two processes counts twice)."""
        return await self._redis.zcount(self._key(stream), time.time(), "+inf")

    async def typing_allowed(self, stream: str, user_id: int) -> bool:
        key = f"{self._prefix}:typing:{stream}:{user_id}"
        return bool(await self._redis.set(key, b"1", nx=True, ex=TYPING_INTERVAL_SECONDS))

    async def close(self) -> None:
        await self._redis.aclose()


# Embedded mode runs one server process: its presence is this one table, which the web views
# (threads of the same process) read too.
_memory_presence = MemoryPresence()


def presence_store() -> MemoryPresence | RedisPresence:
    """The store for a new fan-out (one per event loop)."""
    if settings.EMBEDDED:
        return _memory_presence
    return RedisPresence(settings.REDIS_URL, prefix=settings.CHANNEL_LAYER_PREFIX)


def online_usernames(stream: str) -> set[str]:
    """Who is online in a stream, for synchronous callers (the REST members list)."""
    if settings.EMBEDDED:
        return set(_memory_presence._online.get(stream, ()))
    client = redis_client(settings.REDIS_URL)
    try:
        members = client.zrangebyscore(f"{settings.CHANNEL_LAYER_PREFIX}:presence:{stream}", time.time(), "+inf")
    finally:
        client.close()
    return {_member_username(member) for member in members}


def streams_online(streams: Collection[str]) -> set[str]:
    """Of these streams, those someone follows right now (a live presence entry), in one round trip.

    For synchronous publishers about many streams of a kind with presence (a user's notifications),
    most of which have no socket anywhere: they skip the others instead of sending each an event
    nobody receives. Raises when Redis cannot be reached.
    """
    if not streams:
        return set()
    if settings.EMBEDDED:
        return {stream for stream in streams if _memory_presence._online.get(stream)}
    asked = list(streams)
    now = time.time()
    with _sync_client().pipeline(transaction=False) as pipe:
        for stream in asked:
            pipe.zcount(f"{settings.CHANNEL_LAYER_PREFIX}:presence:{stream}", now, "+inf")
        counts = pipe.execute()
    return {stream for stream, count in zip(asked, counts, strict=True) if count}


@cache
def _sync_client() -> redis.Redis:
    # One pool per process (redis-py's pool is thread-safe and starts afresh after a fork).
    return redis_client(settings.REDIS_URL)


PresenceStore = MemoryPresence | RedisPresence


def announcements(changes: Mapping[str, bool], state: StreamPresence) -> list[PresenceFrame]:
    """The ``presence`` frames a batch of this process's changes to one stream calls for: a user
    who came online (no other process serves them) or went offline (none does), net of the
    batch (a user who came and went within it is announced gone at most).

    Announcing each arrival to everyone costs O(online) frames per join, O(n²) for a crowd
    arriving together; when the stream has ``REALTIME_PRESENCE_BROADCAST_LIMIT`` entries or more,
    before or after the batch, clients read presence from hello and the REST lists instead, and
    nothing is announced (a batch of 500 arrivals into an empty room would otherwise be 500
    frames to each of 500 sockets).
    """
    if max(state.entries_before, sum(state.entries.values())) >= settings.REALTIME_PRESENCE_BROADCAST_LIMIT:
        return []
    frames = []
    for username, online in changes.items():
        if online and state.entries[username] == 1:
            frames.append(presence_frame(username, online=True))
        elif not online and state.entries[username] == 0:
            frames.append(presence_frame(username, online=False))
    return frames
