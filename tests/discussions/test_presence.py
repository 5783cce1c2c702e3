import os
import time

import pytest
import redis

from realtime.presence import MemoryPresence, RedisPresence


async def test_memory_presence_counts_sockets_per_user():
    presence = MemoryPresence()
    await presence.add("s1", "amina")
    await presence.add("s1", "amina")
    await presence.add("s1", "kwame")
    await presence.remove("s1", "amina")
    assert await presence.online("s1") == ["amina", "kwame"]
    await presence.remove("s1", "amina")
    assert await presence.online("s1") == ["kwame"]


async def test_typing_is_allowed_once_per_three_seconds():
    presence = MemoryPresence()
    assert await presence.typing_allowed("s1", 7)
    assert not await presence.typing_allowed("s1", 7)
    assert await presence.typing_allowed("s1", 8)


@pytest.mark.services
async def test_redis_presence_spans_processes_and_a_dead_process_expires():
    url = os.environ["REDIS_URL"]
    process_a, process_b = RedisPresence(url, prefix="presence-test"), RedisPresence(url, prefix="presence-test")
    try:
        await process_a.add("s5", "amina")
        await process_b.add("s5", "amina")
        await process_b.add("s5", "kwame")
        assert await process_a.online("s5") == ["amina", "kwame"]
        await process_a.remove("s5", "amina")
        assert await process_a.online("s5") == ["amina", "kwame"]  # process B still serves amina

        # Process B dies: its entries stop being refreshed and expire on their own.
        client = redis.Redis.from_url(url)
        key = "presence-test:presence:s5"
        for member in client.zrange(key, 0, -1):
            assert isinstance(member, bytes)
            client.zadd(key, {member: time.time() - 1})
        client.close()
        assert await process_a.online("s5") == []
        assert await process_a.typing_allowed("s5", 1)
        assert not await process_b.typing_allowed("s5", 1)
    finally:
        await process_a.close()
        await process_b.close()
