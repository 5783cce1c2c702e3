"""Resume storms, unit level: a stream's cache of encoded items (``realtime.replay``) and the
feed's replay from it, with one database read per burst of resumers and the cache kept correct
under edits, deletions and reactions."""

import asyncio

import orjson

from realtime.envelopes import Envelope
from realtime.feed import StreamFeed
from realtime.replay import ReplayCache
from realtime.wire import Outgoing


def new_message(seq: int, body: str = "") -> Envelope:
    frame = {"type": "message.new", "message": {"seq": seq, "body": body or f"m{seq}"}}
    return {"type": "realtime.event", "stream": "discussions.space.1", "seq": seq, "text": orjson.dumps(frame).decode()}


def updated(seq: int, body: str) -> Envelope:
    frame = {"type": "message.updated", "message": {"seq": seq, "body": body}}
    return {
        "type": "realtime.event",
        "stream": "discussions.space.1",
        "ref_seq": seq,
        "text": orjson.dumps(frame).decode(),
    }


def bodies(items: list[tuple[int, Outgoing]]) -> dict[int, str]:
    return {seq: orjson.loads(frame.text)["message"]["body"] for seq, frame in items}


class Database:
    """The stream's items as the database has them, and every read of them."""

    def __init__(self, last_seq: int) -> None:
        self.bodies = {seq: f"m{seq}" for seq in range(1, last_seq + 1)}
        self.reads: list[tuple[int, int]] = []
        self.gate: asyncio.Event | None = None  # when set, reads wait for it

    async def fetch(self, stream_id: int, first: int, last: int) -> list[tuple[int, str]]:
        self.reads.append((first, last))
        snapshot = dict(self.bodies)  # what the read sees, taken as it starts
        if self.gate is not None:
            await self.gate.wait()
        return [(seq, new_message(seq, snapshot[seq])["text"]) for seq in range(first, last + 1) if seq in snapshot]


def feed_over(database: Database, last_seq: int, **options) -> StreamFeed:
    feed = StreamFeed(1, database.fetch, gap_wait=1, **options)
    feed.initialize(last_seq)
    return feed


async def test_resumers_arriving_together_share_one_database_read():
    database = Database(100)
    feed = feed_over(database, 100)
    replays = await asyncio.gather(*(feed.replay(after, 500) for after in range(0, 100, 2)))
    assert database.reads == [(1, 100)]
    for after, (last_seq, items, truncated_from) in zip(range(0, 100, 2), replays, strict=True):
        assert last_seq == 100
        assert [seq for seq, _text in items] == list(range(after + 1, 101))
        assert truncated_from is None
    # What was read is kept: the next resumer reads nothing.
    await feed.replay(0, 500)
    assert database.reads == [(1, 100)]


async def test_what_the_feed_emitted_is_replayed_without_a_read():
    database = Database(0)
    feed = feed_over(database, 0)
    for seq in range(1, 11):
        database.bodies[seq] = f"m{seq}"
        feed.on_event(new_message(seq))
    last_seq, items, _truncated = await feed.replay(3, 500)
    assert last_seq == 10
    assert [seq for seq, _text in items] == list(range(4, 11))
    assert database.reads == []


async def test_an_edit_drops_the_cached_item_and_the_next_resumer_reads_it_again():
    database = Database(0)
    feed = feed_over(database, 0)
    for seq in range(1, 6):
        database.bodies[seq] = f"m{seq}"
        feed.on_event(new_message(seq))
    # Message 3 is edited (committed, then its event reaches the feed).
    database.bodies[3] = "edited"
    feed.on_event(updated(3, "edited"))
    _last_seq, items, _truncated = await feed.replay(0, 500)
    assert bodies(items) == {1: "m1", 2: "m2", 3: "edited", 4: "m4", 5: "m5"}
    assert database.reads == [(3, 3)]


async def test_an_update_held_for_its_item_drops_it_as_it_goes_out():
    """An edit whose event overtakes the item's own (two processes published them): the item is
    cached with its first text, and the edit, emitted right after it, drops it again."""
    database = Database(0)
    feed = feed_over(database, 0)
    database.bodies.update({1: "m1", 2: "edited"})
    feed.on_event(updated(2, "edited"))
    feed.on_event(new_message(1))
    feed.on_event(new_message(2, "first text"))
    _last_seq, items, _truncated = await feed.replay(0, 500)
    assert bodies(items) == {1: "m1", 2: "edited"}


async def test_an_edit_during_a_read_is_not_cached_stale():
    database = Database(5)
    feed = feed_over(database, 5)
    database.gate = asyncio.Event()
    first = asyncio.ensure_future(feed.replay(0, 500))
    while not database.reads:
        await asyncio.sleep(0)
    assert database.reads == [(1, 5)]  # under way, its snapshot taken before the edit
    database.bodies[2] = "edited"
    feed.on_event(updated(2, "edited"))
    database.gate.set()
    _last_seq, items, _truncated = await first
    # This resumer joined the feed before the edit: the edit reaches it live, after its replay.
    assert bodies(items)[2] == "m2"
    # The next one must not be sent the stale text from the cache.
    _last_seq, items, _truncated = await feed.replay(0, 500)
    assert bodies(items) == {1: "m1", 2: "edited", 3: "m3", 4: "m4", 5: "m5"}
    assert database.reads == [(1, 5), (2, 2)]


async def test_after_a_layer_outage_nothing_cached_is_trusted():
    database = Database(3)
    feed = feed_over(database, 3)
    await feed.replay(0, 500)
    database.bodies[1] = "edited while the layer was away"  # its event was lost
    await feed.catch_up(3)
    _last_seq, items, _truncated = await feed.replay(0, 500)
    assert bodies(items)[1] == "edited while the layer was away"
    assert database.reads == [(1, 3), (1, 3)]


async def test_more_missing_than_the_limit_sends_the_newest_and_says_where_they_start():
    database = Database(30)
    feed = feed_over(database, 30)
    last_seq, items, truncated_from = await feed.replay(0, 20)
    assert last_seq == 30
    assert [seq for seq, _text in items] == list(range(11, 31))
    assert truncated_from == 11
    assert database.reads == [(11, 30)]


async def test_a_resumer_that_missed_nothing_is_sent_nothing():
    database = Database(7)
    feed = feed_over(database, 7)
    assert await feed.replay(7, 500) == (7, [], None)
    assert await feed.replay(9, 500) == (7, [], None)
    assert database.reads == []


def texts(found: tuple[dict[int, Outgoing], list[int]]) -> tuple[dict[int, str], list[int]]:
    return {seq: frame.text for seq, frame in found[0].items()}, found[1]


def test_entries_past_their_lifetime_are_read_again():
    now = [100.0]
    cache = ReplayCache(capacity=10, ttl=30, clock=lambda: now[0])
    cache.store(1, Outgoing("a"))
    now[0] += 20
    cache.store(2, Outgoing("b"))
    now[0] += 15  # entry 1 is 35 s old, entry 2 15 s
    assert texts(cache.lookup(1, 3)) == ({2: "b"}, [1, 3])


def test_the_cache_keeps_the_newest_items_within_its_capacity():
    cache = ReplayCache(capacity=8, ttl=60)
    for seq in range(1, 31):
        cache.store(seq, Outgoing(str(seq)))
    assert len(cache) <= 10  # a quarter over at most, before it trims
    found, _missing = cache.lookup(23, 30)
    assert sorted(found) == list(range(23, 31))


def test_the_cache_keeps_its_frames_within_its_byte_budget():
    """A flood of long messages: the newest stay, within the budget; one longer than it is not kept."""
    cache = ReplayCache(capacity=1000, ttl=60, max_bytes=10_000)
    for seq in range(1, 101):
        cache.store(seq, Outgoing("x" * 1000))  # about 2 KB each, text and wire bytes
    found, _missing = cache.lookup(1, 100)
    assert 2 <= len(found) <= 5
    assert sorted(found) == list(range(101 - len(found), 101))
    cache.store(101, Outgoing("y" * 20_000))
    assert cache.lookup(101, 101) == ({}, [101])
    cache.store(100, Outgoing("z"))  # stored again: counted once
    cache.invalidate(100)
    cache.clear()
    for seq in range(200, 210):
        cache.store(seq, Outgoing("s"))
    assert sorted(cache.lookup(200, 209)[0]) == list(range(200, 210))


def test_an_invalidation_or_a_clear_during_a_fill_keeps_its_items_out():
    cache = ReplayCache(capacity=10, ttl=60)
    dirty, cleared, clean = cache.begin_fill(), cache.begin_fill(), cache.begin_fill()
    cache.invalidate(2)
    cache.end_fill(dirty, [(1, Outgoing("a")), (2, Outgoing("b"))])
    assert texts(cache.lookup(1, 2)) == ({1: "a"}, [2])
    cache.clear()
    cache.end_fill(cleared, [(3, Outgoing("c"))])
    cache.end_fill(clean, [(4, Outgoing("d"))])
    assert texts(cache.lookup(1, 4)) == ({}, [1, 2, 3, 4])
