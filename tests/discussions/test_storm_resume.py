"""Resume storms through the space socket: resumers are sent what the process's feed has cached,
as it is now (edits, deletions, reactions included), and a crowd of them reads the database once."""

import asyncio

import pytest
from channels.db import database_sync_to_async as db

from discussions.services.editing import message_delete, message_edit
from discussions.services.posting import message_post
from discussions.services.reactions import reaction_set
from discussions.streams import space_group
from realtime.fanout import current_fanout, process_fanout
from tests.discussions.conftest import connect, member_of, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]


def post(space, author, body):
    return message_post(slug=space.slug, author=author, body=body).message


async def replayed(socket, count: int) -> dict[int, dict]:
    messages = [(await receive_until(socket, "message.new"))["message"] for _ in range(count)]
    assert [message["seq"] for message in messages] == list(range(messages[0]["seq"], messages[0]["seq"] + count))
    return {message["seq"]: message for message in messages}


class CountedReads:
    """Wraps a stream kind's read of missing items in this test's fan-out, counting the reads."""

    def __init__(self, space) -> None:
        reads = process_fanout()._reads_of(space_group(space.pk))
        self.calls: list[tuple[int, int]] = []
        read = reads.read_missing

        async def counted(stream_id: int, first: int, last: int) -> list[tuple[int, str]]:
            self.calls.append((first, last))
            return await read(stream_id, first, last)

        reads.read_missing = counted


async def test_an_edit_between_the_cache_fill_and_a_resume_reaches_the_resumer(space):
    alice, bob = await db(member_of)(space), await db(member_of)(space)
    reads = CountedReads(space)
    watcher = await connect(alice, space.slug)  # the feed is live: it caches what it emits
    messages = [await db(post)(space, alice, f"m{index}") for index in range(1, 6)]
    await replayed(watcher, 5)
    fanout = current_fanout()
    assert fanout is not None
    feed = fanout.feeds[space_group(space.pk)]
    assert feed.cache.lookup(1, 5)[1] == []  # every one cached, none read

    # Between the fill and the resume: an edit, a deletion and a reaction, each seen by the watcher.
    await db(message_edit)(message_id=messages[1].pk, user=alice, body="edited")
    await receive_until(watcher, "message.updated")
    await db(message_delete)(message_id=messages[2].pk, user=alice)
    await receive_until(watcher, "message.updated")
    await db(reaction_set)(message_id=messages[3].pk, user=bob, emoji="👍", present=True)
    await receive_until(watcher, "reaction")

    resumer = await connect(bob, space.slug, after=0)
    assert resumer.hello["last_seq"] == 5
    got = await replayed(resumer, 5)
    assert (got[2]["body"], got[2]["edited_at"] is not None) == ("edited", True)
    assert (got[3]["deleted"], got[3]["body"]) == (True, "")
    assert got[4]["reactions"] == {"👍": 1}
    assert (got[1]["body"], got[5]["body"]) == ("m1", "m5")
    # Only what the events dropped was read again, in one read.
    assert reads.calls == [(2, 4)]
    assert await resumer.receive_nothing(timeout=0.2)
    await resumer.disconnect()
    await watcher.disconnect()


async def test_a_crowd_of_resumers_reads_the_database_once(space, settings):
    settings.DISCUSSION_RATE_LIMIT_COUNT = 1000
    author = await db(member_of)(space)
    for index in range(30):
        await db(post)(space, author, f"m{index}")
    users = [await db(member_of)(space) for _ in range(12)]
    reads = CountedReads(space)  # no socket yet: nothing is cached
    sockets = await asyncio.gather(*(connect(user, space.slug, after=10 + index) for index, user in enumerate(users)))
    for index, socket in enumerate(sockets):
        assert socket.hello["last_seq"] == 30
        got = await replayed(socket, 20 - index)
        assert min(got) == 11 + index
    # Resumers that arrive while one read is under way share the next; later ones find the cache.
    assert 1 <= len(reads.calls) <= 2
    assert reads.calls[0][1] == 30
    for socket in sockets:
        await socket.disconnect()


async def test_messages_committed_during_a_cached_replay_arrive_once_in_order(space, settings):
    settings.DISCUSSION_RATE_LIMIT_COUNT = 1000
    alice, bob = await db(member_of)(space), await db(member_of)(space)
    watcher = await connect(alice, space.slug)
    for index in range(20):
        await db(post)(space, alice, f"before {index}")
    await replayed(watcher, 20)

    async def write_while_resuming():
        for index in range(10):
            await db(post)(space, bob, f"during {index}")

    writer = asyncio.ensure_future(write_while_resuming())
    resumer = await connect(bob, space.slug, after=5)
    await writer
    got = await replayed(resumer, 25)
    assert sorted(got) == list(range(6, 31))
    assert await resumer.receive_nothing(timeout=0.3)
    await resumer.disconnect()
    await watcher.disconnect()
