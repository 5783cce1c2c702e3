"""Who is online in each space, across server processes, and the typing throttle.

With Redis: a sorted set per space whose members are ``username`` + this process's token, scored
by when the entry expires. Each process refreshes its own entries on a heartbeat, so the entries
of a process that dies expire on their own. Embedded mode (one server process): in memory.
"""

import time
import uuid
from collections import Counter
from collections.abc import Iterable

import redis
import redis.asyncio as aioredis
from django.conf import settings

TYPING_INTERVAL_SECONDS = 3


def presence_ttl_seconds() -> float:
    return settings.DISCUSSION_PRESENCE_TTL_SECONDS


def presence_heartbeat_seconds() -> float:
    """Entries are refreshed three times per lifetime, so one late heartbeat loses nobody."""
    return presence_ttl_seconds() / 3


class MemoryPresence:
    def __init__(self) -> None:
        self._online: dict[int, Counter[str]] = {}
        self._typing: dict[tuple[int, int], float] = {}

    async def add(self, space_id: int, username: str) -> None:
        self._online.setdefault(space_id, Counter())[username] += 1

    async def remove(self, space_id: int, username: str) -> None:
        counter = self._online.get(space_id)
        if counter is not None:
            counter[username] -= 1
            if counter[username] <= 0:
                del counter[username]

    async def refresh(self, entries: Iterable[tuple[int, str]]) -> None:
        return None

    async def online(self, space_id: int) -> list[str]:
        return sorted(self._online.get(space_id, ()))

    async def count(self, space_id: int) -> int:
        return len(self._online.get(space_id, ()))

    async def typing_allowed(self, space_id: int, user_id: int) -> bool:
        now = time.monotonic()
        key = (space_id, user_id)
        if now - self._typing.get(key, -TYPING_INTERVAL_SECONDS) < TYPING_INTERVAL_SECONDS:
            return False
        self._typing[key] = now
        return True

    async def close(self) -> None:
        return None


class RedisPresence:
    """Entries are per (username, process): one process leaving does not hide a user another serves."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._prefix = prefix
        self._process = uuid.uuid4().hex[:12]

    def _key(self, space_id: int) -> str:
        return f"{self._prefix}:presence:{space_id}"

    def _member(self, username: str) -> str:
        return f"{username}\n{self._process}"

    async def add(self, space_id: int, username: str) -> None:
        await self.refresh([(space_id, username)])

    async def remove(self, space_id: int, username: str) -> None:
        await self._redis.zrem(self._key(space_id), self._member(username))

    async def refresh(self, entries: Iterable[tuple[int, str]]) -> None:
        ttl = presence_ttl_seconds()
        now = time.time()
        by_space: dict[int, dict[str, float]] = {}
        for space_id, username in entries:
            by_space.setdefault(space_id, {})[self._member(username)] = now + ttl
        # Three commands per space, not per socket: a heartbeat of a crowded space is one ZADD.
        async with self._redis.pipeline(transaction=False) as pipe:
            for space_id, members in by_space.items():
                key = self._key(space_id)
                pipe.zadd(key, members)
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.expire(key, int(ttl * 2) + 1)
            await pipe.execute()

    async def online(self, space_id: int) -> list[str]:
        members = await self._redis.zrangebyscore(self._key(space_id), time.time(), "+inf")
        return sorted({member.decode().split("\n", 1)[0] for member in members})

    async def count(self, space_id: int) -> int:
        """Live entries: at least the users online (a user on two processes counts twice)."""
        return await self._redis.zcount(self._key(space_id), time.time(), "+inf")

    async def typing_allowed(self, space_id: int, user_id: int) -> bool:
        key = f"{self._prefix}:typing:{space_id}:{user_id}"
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


def online_usernames(space_id: int) -> set[str]:
    """Who is online in a space, for synchronous callers (the REST members list)."""
    if settings.EMBEDDED:
        return set(_memory_presence._online.get(space_id, ()))
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        members = client.zrangebyscore(f"{settings.CHANNEL_LAYER_PREFIX}:presence:{space_id}", time.time(), "+inf")
    finally:
        client.close()
    return {member.decode().split("\n", 1)[0] for member in members}
