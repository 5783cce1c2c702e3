"""Presence in a crowd: ``hello`` names the first page of who is online with the count, REST pages
the rest, and the presence frames that arrivals cause are written and published together."""

import asyncio
import os
from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async as db

from discussions import payloads
from discussions.streams import space_group
from realtime.presence import (
    MemoryPresence,
    RedisPresence,
    StreamPresence,
    announcements,
    online_usernames,
    presence_store,
)
from realtime.publish import apublish
from tests.discussions.conftest import connect, member_of, receive_until
from tests.discussions.test_api_query_counts import as_user, assert_queries_do_not_grow, results
from tests.factories import UserFactory


@pytest.mark.parametrize("page", [2])
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_hello_names_the_first_page_and_rest_pages_the_rest(space, private_space, page, monkeypatch, client):
    monkeypatch.setattr(payloads, "HELLO_ONLINE_PAGE", page)
    users = [await db(member_of)(space, username=name, display_name=f"{name.title()} N.") for name in "cab"]
    sockets = [await connect(user, space.slug) for user in users]
    last = sockets[-1].hello
    assert (last["online"], last["online_count"]) == (["a", "b"], 3)

    def online(path: str) -> tuple[int, dict]:
        client.force_login(users[0])
        response = client.get(path)
        return response.status_code, response.json()

    status, first = await db(online)(f"/api/v1/spaces/{space.slug}/online/")
    assert status == 200
    assert first["count"] == 3
    assert first["results"] == [{"username": "a", "display_name": "A N."}, {"username": "b", "display_name": "B N."}]
    status, second = await db(online)(first["next"])
    assert (status, second["results"], second["next"]) == (200, [{"username": "c", "display_name": "C N."}], None)
    assert (await db(online)(f"/api/v1/spaces/{space.slug}/online/?page=3"))[0] == 404
    # A private space's presence is as private as the space.
    assert (await db(online)(f"/api/v1/spaces/{private_space.slug}/online/"))[0] == 404
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_arrivals_together_are_announced_in_one_envelope_each_to_the_others(space, monkeypatch):
    published: list[dict] = []

    async def recorded(envelope):
        published.append(envelope)
        await apublish(envelope)

    monkeypatch.setattr("realtime.fanout.apublish", recorded)
    watcher = await connect(await db(member_of)(space), space.slug)
    crowd = [await db(member_of)(space) for _ in range(6)]
    sockets = await asyncio.gather(*(connect(user, space.slug) for user in crowd))
    announced = {(await receive_until(watcher, "presence"))["username"] for _ in crowd}
    assert announced == {user.username for user in crowd}
    # Arrivals in one batch share one envelope (the first to arrive goes alone, the rest together).
    envelopes = [envelope for envelope in published if "frames" in envelope][1:]
    assert 1 <= len(envelopes) < len(crowd)
    # Nobody is told about themselves.
    for user, socket in zip(crowd, sockets, strict=True):
        while not await socket.receive_nothing(timeout=0.1):
            frame = await socket.receive_json_from()
            assert frame.get("username") != user.username, frame
    for socket in [watcher, *sockets]:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_a_user_stays_online_until_their_last_socket_closes(space):
    alice = await db(member_of)(space)
    first, second = await connect(alice, space.slug), await connect(alice, space.slug)
    await first.disconnect()
    await asyncio.sleep(0.05)
    assert await db(online_usernames)(space_group(space.pk)) == {alice.username}
    await second.disconnect()
    await asyncio.sleep(0.05)
    assert await db(online_usernames)(space_group(space.pk)) == set()


async def test_memory_presence_applies_a_batch_and_says_what_came_before():
    presence = MemoryPresence()
    await presence.add("s9", "kwame")
    states = await presence.change_many({"s9": {"amina": True, "kwame": False, "lin": True}, "s10": {"ana": True}})
    assert states["s9"].entries_before == 1
    assert states["s9"].usernames == ["amina", "lin"]
    assert states["s10"].usernames == ["ana"]


@pytest.mark.services
async def test_redis_presence_applies_a_batch_across_processes():
    url = os.environ["REDIS_URL"]
    process_a, process_b = RedisPresence(url, prefix="presence-test"), RedisPresence(url, prefix="presence-test")
    try:
        await process_b.add("s11", "amina")
        states = await process_a.change_many({"s11": {"amina": True, "kwame": True}, "s12": {"lin": False}})
        assert states["s11"].entries_before == 1
        assert dict(states["s11"].entries) == {"amina": 2, "kwame": 1}  # amina is also on process B
        assert states["s12"].usernames == []
        states = await process_a.change_many({"s11": {"amina": False, "kwame": False}})
        assert dict(states["s11"].entries) == {"amina": 1}
    finally:
        await process_a.close()
        await process_b.close()


def test_a_crowd_is_not_announced_and_a_user_elsewhere_is_not_announced_again(settings):
    settings.REALTIME_PRESENCE_BROADCAST_LIMIT = 5
    quiet = StreamPresence(entries_before=2, entries=Counter({"old": 1, "new": 1, "twice": 2}))
    assert announcements({"new": True, "twice": True, "gone": False}, quiet) == [
        {"type": "presence", "username": "new", "online": True},
        {"type": "presence", "username": "gone", "online": False},
    ]
    crowded = StreamPresence(entries_before=5, entries=Counter({f"u{index}": 1 for index in range(6)}))
    assert announcements({"u5": True, "left": False}, crowded) == []
    # A batch that makes the room crowded is not announced either (500 arrivals, 500 frames each).
    filling = StreamPresence(entries_before=0, entries=Counter({f"u{index}": 1 for index in range(5)}))
    assert announcements({f"u{index}": True for index in range(5)}, filling) == []


@pytest.mark.django_db
def test_online_list_is_constant_in_queries(space):
    online: list[str] = []

    def change(usernames: list[str], *, online: bool) -> None:
        async def write() -> None:
            store = presence_store()
            try:
                await store.change_many({space_group(space.pk): dict.fromkeys(usernames, online)})
            finally:
                await store.close()

        async_to_sync(write)()

    def go_online(n: int) -> None:
        usernames = [UserFactory.create().username for _ in range(n)]
        online.extend(usernames)
        change(usernames, online=True)

    try:
        client = as_user(UserFactory.create())
        assert_queries_do_not_grow(client, f"/api/v1/spaces/{space.slug}/online/", go_online, results)
    finally:
        change(online, online=False)  # embedded mode's presence is the process's own
