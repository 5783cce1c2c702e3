"""The per-process fan-out on its own: ordering, gap filling, slow sockets."""

import asyncio

import orjson
import pytest

from realtime.codes import CloseCode
from realtime.envelopes import Envelope
from realtime.feed import StreamFeed
from realtime.subscriber import Subscriber
from realtime.wire import Outgoing, text_frame


class FakeSocket:
    def __init__(self, *, stuck: bool = False):
        self.sent: list[str] = []
        self.closed_with: int | None = None
        self.stuck = stuck

    async def send(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()  # a client that never reads: every send blocks forever
        self.sent.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code


def subscriber(socket: FakeSocket, *, queue_max: int = 1000, user_id: int = 1, role: str = "member") -> Subscriber:
    return Subscriber(user_id=user_id, username=f"u{user_id}", role=role, send=socket.send, close=socket.close,
                      queue_max=queue_max)  # fmt: skip


def new_message(seq: int) -> Envelope:
    return {
        "type": "realtime.event",
        "stream": "discussions.space.1",
        "seq": seq,
        "text": orjson.dumps({"seq": seq}).decode(),
    }


def seqs(socket: FakeSocket) -> list[int]:
    return [orjson.loads(text)["seq"] for text in socket.sent]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def no_fetch(space_id, first, last):
    raise AssertionError("nothing should be missing")


async def test_events_out_of_order_are_emitted_in_seq_order():
    feed = StreamFeed(1, no_fetch, gap_wait=1)
    socket = FakeSocket()
    sub = subscriber(socket)
    sub.finish_replay(0)
    feed.subscribers.add(sub)
    feed.initialize(0)
    for seq in (2, 3, 1, 4):
        feed.on_event(new_message(seq))
    await settle()
    assert seqs(socket) == [1, 2, 3, 4]


async def test_a_missing_seq_is_read_from_the_database():
    fetched = []

    async def fetch(space_id, first, last):
        fetched.append((first, last))
        return [(seq, new_message(seq)["text"]) for seq in range(first, last + 1)]

    feed = StreamFeed(1, fetch, gap_wait=0.01)
    socket = FakeSocket()
    sub = subscriber(socket)
    sub.finish_replay(0)
    feed.subscribers.add(sub)
    feed.initialize(0)
    feed.on_event(new_message(1))
    feed.on_event(new_message(4))  # 2 and 3 were lost by the layer
    await asyncio.sleep(0.05)
    await settle()
    assert fetched == [(2, 3)]
    assert seqs(socket) == [1, 2, 3, 4]


async def test_events_before_initialization_wait_and_old_ones_are_dropped():
    feed = StreamFeed(1, no_fetch, gap_wait=1)
    socket = FakeSocket()
    sub = subscriber(socket)
    sub.finish_replay(5)
    feed.subscribers.add(sub)
    feed.on_event(new_message(5))  # arrives between group_add and reading last_seq
    feed.on_event(new_message(6))
    feed.initialize(5)
    await settle()
    assert seqs(socket) == [6]


async def test_a_socket_that_cannot_keep_up_is_closed_to_resync_and_others_are_unaffected():
    feed = StreamFeed(1, no_fetch, gap_wait=1)
    stuck, healthy = FakeSocket(stuck=True), FakeSocket()
    slow_sub, fast_sub = subscriber(stuck, queue_max=10, user_id=1), subscriber(healthy, user_id=2)
    for sub in (slow_sub, fast_sub):
        sub.finish_replay(0)
        feed.subscribers.add(sub)
    feed.initialize(0)
    most_queued = 0
    for seq in range(1, 101):
        feed.on_event(new_message(seq))
        await settle()
        most_queued = max(most_queued, slow_sub.queued)
    # It never held more than its 10 frames (an unbounded queue would reach 99), then was told
    # to resync and what it held was freed.
    assert most_queued == 10
    assert stuck.closed_with == CloseCode.RESYNC
    assert slow_sub.queued == 0
    assert seqs(healthy) == list(range(1, 101))


async def test_resuming_socket_gets_no_duplicates_from_the_live_feed():
    socket = FakeSocket()
    sub = subscriber(socket)
    sub.offer(3, Outgoing(new_message(3)["text"]))  # live, while the replay is still being read
    sub.offer(4, Outgoing(new_message(4)["text"]))
    for seq in (1, 2, 3):
        sub.send_now(new_message(seq)["text"])  # the replay from the database
    sub.finish_replay(3)
    await settle()
    assert seqs(socket) == [1, 2, 3, 4]


@pytest.mark.parametrize("roles", [["moderator"]])
async def test_role_limited_events_reach_only_those_roles(roles):
    feed = StreamFeed(1, no_fetch, gap_wait=1)
    member_socket, moderator_socket = FakeSocket(), FakeSocket()
    for socket, role, user_id in ((member_socket, "member", 1), (moderator_socket, "moderator", 2)):
        sub = subscriber(socket, role=role, user_id=user_id)
        sub.finish_replay(0)
        feed.subscribers.add(sub)
    feed.initialize(0)
    feed.on_event(
        {
            "type": "realtime.event",
            "stream": "discussions.space.1",
            "seq": None,
            "text": '{"type":"report.new"}',
            "roles": roles,
        }
    )
    await settle()
    assert member_socket.sent == []
    assert moderator_socket.sent == ['{"type":"report.new"}']


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 70000])
def test_text_frames_are_what_the_websockets_library_reads(size):
    from websockets.frames import Frame, Opcode
    from websockets.streams import StreamReader

    payload = ("é" * size).encode()[:size] if size else b""
    reader = StreamReader()
    reader.feed_data(text_frame(payload))
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    else:
        pytest.fail("the parser wanted more bytes")
    assert (frame.opcode, frame.fin, frame.data) == (Opcode.TEXT, True, payload)


class FakeTransportWriter:
    """Stands where ``wire.RawWriter`` stands: records each write of wire bytes."""

    def __init__(self):
        self.writes: list[bytes] = []
        self.open = True

    def writable_now(self) -> bool:
        return True

    async def wait_writable(self) -> None:
        return None

    def write(self, frame: bytes) -> None:
        self.writes.append(frame)


def raw_subscriber(user_id: int = 1, role: str = "member") -> tuple[Subscriber, FakeTransportWriter]:
    writer, socket = FakeTransportWriter(), FakeSocket()
    sub = Subscriber(user_id=user_id, username=f"u{user_id}", role=role, send=socket.send, close=socket.close,
                     queue_max=1000, raw=writer)  # fmt: skip
    sub.finish_replay(0)
    return sub, writer


def frames_of(*seqs: int) -> bytes:
    return b"".join(text_frame(new_message(seq)["text"].encode()) for seq in seqs)


async def test_a_quiet_feed_writes_each_event_at_once():
    feed = StreamFeed(1, no_fetch, gap_wait=1, batch_window=0.05)
    sub, writer = raw_subscriber()
    feed.subscribers.add(sub)
    feed.initialize(0)
    feed.on_event(new_message(1))
    assert writer.writes == [frames_of(1)]  # no wait for the first event after a quiet spell


async def test_events_within_the_window_share_one_write_per_socket():
    feed = StreamFeed(1, no_fetch, gap_wait=1, batch_window=0.02)
    subs = [raw_subscriber(user_id) for user_id in (1, 2)]
    for sub, _writer in subs:
        feed.subscribers.add(sub)
    feed.initialize(0)
    for seq in range(1, 5):
        feed.on_event(new_message(seq))
    await asyncio.sleep(0.05)
    for sub, writer in subs:
        assert writer.writes == [frames_of(1), frames_of(2, 3, 4)]
        assert sub.last_seq == 4


async def test_a_batch_respects_exclusions_and_roles_per_socket():
    feed = StreamFeed(1, no_fetch, gap_wait=1, batch_window=0.02)
    member, member_writer = raw_subscriber(1, "member")
    moderator, moderator_writer = raw_subscriber(2, "moderator")
    feed.subscribers.update({member, moderator})
    feed.initialize(0)
    feed.on_event(new_message(1))  # flushed at once
    typing: Envelope = {
        "type": "realtime.event",
        "stream": "discussions.space.1",
        "seq": None,
        "text": '{"type":"typing"}',
        "exclude": 1,
    }
    report: Envelope = {
        "type": "realtime.event",
        "stream": "discussions.space.1",
        "seq": None,
        "text": '{"type":"report.new"}',
        "roles": ["moderator"],
    }
    for event in (new_message(2), typing, report, new_message(3)):
        feed.on_event(event)
    await asyncio.sleep(0.05)
    assert member_writer.writes[1] == frames_of(2, 3)
    assert moderator_writer.writes[1] == (
        frames_of(2) + text_frame(b'{"type":"typing"}') + text_frame(b'{"type":"report.new"}') + frames_of(3)
    )


async def test_a_resuming_socket_gets_a_batch_without_what_it_replayed():
    feed = StreamFeed(1, no_fetch, gap_wait=1, batch_window=0.02)
    live, live_writer = raw_subscriber(1)
    resumed, resumed_writer = raw_subscriber(2)
    resumed.finish_replay(2)  # it read seqs 1-2 from the database while they were also live
    feed.subscribers.update({live, resumed})
    feed.initialize(0)
    feed.on_event(new_message(1))
    for seq in (2, 3):
        feed.on_event(new_message(seq))
    await asyncio.sleep(0.05)
    assert b"".join(live_writer.writes) == frames_of(1, 2, 3)
    assert b"".join(resumed_writer.writes) == frames_of(3)
