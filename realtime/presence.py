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
from collections.abc import Collection, Iterable
from functools import cache

import redis
import redis.asyncio as aioredis
from django.conf import settings

from realtime.envelopes import Envelope, frame_envelope
from realtime.frames import presence_frame
from realtime.streams import parse_stream_group

logger = logging.getLogger(__name__)

TYPING_INTERVAL_SECONDS = 3


def presence_ttl_seconds() -> float:
    return settings.REALTIME_PRESENCE_TTL_SECONDS


def presence_heartbeat_seconds() -> float:
    """Entries are refreshed three times per lifetime, so one late heartbeat loses nobody."""
    return presence_ttl_seconds() / 3


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
        self._redis = aioredis.Redis.from_url(url)
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
    client = redis.Redis.from_url(settings.REDIS_URL)
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
    return redis.Redis.from_url(settings.REDIS_URL)


PresenceStore = MemoryPresence | RedisPresence


async def announce_presence_change(
    store: PresenceStore, stream: str, *, user_id: int, username: str, online: bool
) -> Envelope | None:
    """Record a user's arrival or departure; the envelope to publish if it changes who is online.

    Announcing each arrival to everyone costs O(online) frames per join, O(n²) for a crowd
    arriving together; past ``REALTIME_PRESENCE_BROADCAST_LIMIT`` clients read presence from hello and the
    members list, and the full list is not even read here (a count decides).
    """
    limit = settings.REALTIME_PRESENCE_BROADCAST_LIMIT
    try:
        if online:
            crowded = await store.count(stream) >= limit
            before = [] if crowded else await store.online(stream)
            await store.add(stream, username)
            changed = not crowded and username not in before
        else:
            await store.remove(stream, username)
            crowded = await store.count(stream) >= limit
            changed = not crowded and username not in await store.online(stream)
    except Exception:
        logger.warning("presence unavailable", exc_info=True)
        return None
    if not changed:
        return None
    kind, stream_id = parse_stream_group(stream)
    return frame_envelope(kind, stream_id, presence_frame(username, online=online), exclude_user_id=user_id)
