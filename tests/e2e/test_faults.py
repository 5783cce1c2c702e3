"""Faults the real-time core must survive without losing or duplicating a message.

Each test that stops or breaks Redis runs its own redis-server on a spare loopback port.
"""

import asyncio
import json
import signal
import socket

import pytest
from websockets.exceptions import ConnectionClosed

from discussions.models import Membership, Message, Space
from tests.conftest import free_port
from tests.e2e.processes import rss_kib, services_env, start_redis, start_uvicorn, stop, wait_until
from tests.e2e.spaces_client import get_status, member, next_frame, open_socket, rest

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def space(db):
    return Space.objects.create(slug="fault-line", name="Fault line")


def post(port, user, slug, body):
    status, message = rest(port, user, "POST", f"spaces/{slug}/messages/", {"body": body})
    assert status == 201, message
    return message


def test_redis_restart_loses_nothing(tmp_path, space):
    port = free_port()
    redis_process = start_redis(port)
    env = services_env(REDIS_URL=f"redis://127.0.0.1:{port}/0", CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/1")
    servers = [start_uvicorn(env, tmp_path / f"server-{index}.log") for index in range(2)]
    (_, port_a), (_, port_b) = servers
    alice, bob = member(space), member(space)
    try:

        async def scenario():
            async with open_socket(port_a, alice, space.slug) as live:
                await next_frame(live, "hello")
                loop = asyncio.get_running_loop()
                first = await loop.run_in_executor(None, post, port_b, bob, space.slug, "before the outage")
                assert (await next_frame(live, "message.new"))["message"]["seq"] == first["seq"]

                redis_process.kill()
                redis_process.wait()
                # HTTP keeps serving and REST posts are stored while Redis is away.
                assert (
                    await loop.run_in_executor(None, get_status, port_a, f"/api/v1/spaces/{space.slug}/messages/")
                    == 200
                )
                assert await loop.run_in_executor(None, get_status, port_b, "/healthz") == 503
                during = [
                    await loop.run_in_executor(None, post, port_b, bob, space.slug, f"during {index}")
                    for index in range(5)
                ]

                restarted = start_redis(port)
                # The open socket recovers: what was committed meanwhile arrives in order, then live again.
                caught_up = [(await next_frame(live, "message.new", timeout=15))["message"]["seq"] for _ in during]
                after = await loop.run_in_executor(None, post, port_b, bob, space.slug, "after the outage")
                assert (await next_frame(live, "message.new", timeout=10))["message"]["seq"] == after["seq"]
                return first, during, caught_up, after, restarted

        first, during, caught_up, after, redis_process = asyncio.run(scenario())
        assert caught_up == [message["seq"] for message in during]

        async def resume():
            async with open_socket(port_b, alice, space.slug, after=first["seq"]) as socket:
                await next_frame(socket, "hello")
                return [(await next_frame(socket, "message.new"))["message"]["seq"] for _ in range(6)]

        assert asyncio.run(resume()) == list(range(first["seq"] + 1, after["seq"] + 1))
        assert get_status(port_b, "/healthz") == 200
        assert Message.objects.filter(space=space).count() == 7
    finally:
        for process, _port in servers:
            stop(process)
        redis_process.kill()


def test_a_killed_server_s_clients_resume_elsewhere_and_its_presence_expires(tmp_path, space):
    env = services_env(REALTIME_PRESENCE_TTL_SECONDS="2")
    (doomed, port_a), (survivor, port_b) = (start_uvicorn(env, tmp_path / f"server-{i}.log") for i in range(2))
    alice, bob = member(space), member(space)

    def alice_listed_online() -> bool:
        _status, page = rest(port_b, bob, "GET", f"spaces/{space.slug}/members/")
        return any(row["username"] == alice.username and row["online"] for row in page["results"])

    try:

        async def before_the_crash():
            socket = await open_socket(port_a, alice, space.slug).__aenter__()
            await next_frame(socket, "hello")
            loop = asyncio.get_running_loop()
            seen = await loop.run_in_executor(None, post, port_b, bob, space.slug, "seen by alice")
            assert (await next_frame(socket, "message.new"))["message"]["seq"] == seen["seq"]
            # Online first (server B lists her through server A's entry), so that going offline means something.
            assert await loop.run_in_executor(None, alice_listed_online)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait()
            with pytest.raises(ConnectionClosed):
                while True:
                    await asyncio.wait_for(socket.recv(), 5)
            return seen["seq"]

        last_seen = asyncio.run(before_the_crash())
        missed = [post(port_b, bob, space.slug, f"missed {index}")["seq"] for index in range(10)]

        async def resume():
            async with open_socket(port_b, alice, space.slug, after=last_seen) as socket:
                await next_frame(socket, "hello")
                seqs = [(await next_frame(socket, "message.new"))["message"]["seq"] for _ in missed]
                with pytest.raises(TimeoutError):
                    await next_frame(socket, "message.new", timeout=0.5)
                return seqs

        assert asyncio.run(resume()) == missed

        # Alice's entry from the dead process is no longer refreshed and expires on its own.
        assert wait_until(lambda: not alice_listed_online(), timeout=10, interval=0.5)
    finally:
        stop(doomed)
        stop(survivor)


def test_a_slow_reader_is_cut_off_with_4008_and_server_memory_stays_bounded(tmp_path, space):
    queue_max = 20
    env = services_env(REALTIME_SEND_QUEUE_MAX=str(queue_max), DISCUSSION_RATE_LIMIT_COUNT="100000")
    process, port = start_uvicorn(env, tmp_path / "server.log")
    sender, reader, sluggard = member(space), member(space), member(space)
    flood = 600
    # 9,999 four-byte characters: a 40 KB body whose frame (body and html) is about 80 KB; the
    # flood is about 48 MB per socket, far more than loopback's TCP buffers absorb (4 MB at most).
    send_frames = [
        json.dumps({"type": "message.send", "body": "\N{GRINNING FACE}" * 9_999, "client_id": f"f{index}"},
                   ensure_ascii=False)
        for index in range(flood)
    ]  # fmt: skip
    try:

        async def scenario():
            # A tiny receive buffer and max_queue=1: the sluggard stops taking data almost at once
            # (and sends no keepalive pings of its own, which would close it from its side first).
            async with (
                open_socket(
                    port, sluggard, space.slug, max_queue=1, ping_interval=None, sock=tiny_buffer(port)
                ) as slow,
                open_socket(port, reader, space.slug) as fast,
                open_socket(port, sender, space.slug) as send,
            ):
                await next_frame(slow, "hello")
                await next_frame(fast, "hello")
                await next_frame(send, "hello")
                rss_before = rss_kib(process.pid)

                # Like a real client, the sender keeps a bounded number of sends in flight.
                in_flight = asyncio.Semaphore(20)

                async def produce():
                    for frame in send_frames:
                        await in_flight.acquire()
                        await send.send(frame)

                async def consume():
                    seqs: list[int] = []
                    flooded_bytes = 0
                    while len(seqs) < flood:
                        text = await asyncio.wait_for(fast.recv(), 30)
                        frame = json.loads(text)
                        if frame["type"] == "message.new":
                            seqs.append(frame["message"]["seq"])
                            flooded_bytes += len(text.encode())
                    return seqs, flooded_bytes

                async def drain_own_echoes():
                    # The sender reads its socket too, or it would be the next slow reader cut off.
                    for _ in range(flood):
                        await next_frame(send, "message.new", timeout=60)
                        in_flight.release()

                _, (seqs, flooded_bytes), _ = await asyncio.gather(produce(), consume(), drain_own_echoes())
                assert seqs == list(range(1, flood + 1))
                # Measured while the sluggard is still connected and still not reading. Held for it
                # in an unbounded queue, most of the flood (~48 MB) would stay in the server; its
                # queue stops at 20 frames (~1.6 MB), and then the socket is closed.
                grown = (rss_kib(process.pid) - rss_before) * 1024
                assert grown < flooded_bytes / 4, f"the server grew by {grown >> 20} MiB of {flooded_bytes >> 20} MiB"

                # Now the sluggard reads: what the kernel and the server held for it, then the close.
                slow_seqs: list[int] = []
                close_code = None
                try:
                    while len(slow_seqs) < flood:
                        frame = json.loads(await asyncio.wait_for(slow.recv(), 10))
                        if frame["type"] == "message.new":
                            slow_seqs.append(frame["message"]["seq"])
                except ConnectionClosed as closed:
                    close_code = closed.rcvd.code if closed.rcvd else None
                return slow_seqs, close_code

        slow_seqs, close_code = asyncio.run(scenario())
        # Told to resync: closed with 4008 after a gapless prefix of the flood, which it resumes from by seq.
        assert close_code == 4008
        assert slow_seqs == list(range(1, len(slow_seqs) + 1))
        assert len(slow_seqs) < flood
        assert Message.objects.filter(space=space).count() == flood
    finally:
        stop(process)


def tiny_buffer(port: int) -> socket.socket:
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    return raw


def test_socket_survives_100_bad_frames(tmp_path, space):
    process, port = start_uvicorn(services_env(), tmp_path / "server.log")
    alice = member(space)
    other = Space.objects.create(slug="elsewhere", name="Elsewhere")
    Membership.objects.create(space=other, user=alice)
    # Alice's own message in another space, at a seq this space does not have: an edit, delete or
    # reaction that looked the message up by seq alone would find it, and she may change it.
    foreign = post(port, alice, other.slug, "not to be changed from another space")
    aimed_elsewhere = [
        json.dumps({"type": "message.edit", "seq": foreign["seq"], "body": "hijack"}),
        json.dumps({"type": "message.delete", "seq": foreign["seq"]}),
        json.dumps({"type": "reaction.add", "seq": foreign["seq"], "emoji": "+1"}),
    ]
    try:

        async def scenario():
            async with open_socket(port, alice, space.slug) as socket:
                await next_frame(socket, "hello")
                rss_before = rss_kib(process.pid)
                bad = ["{", "[]", "null", '{"type": 5}', '{"type": "message.send"}', "x" * (70 * 1024),
                       json.dumps({"type": "message.send", "body": "", "client_id": "c"}),
                       json.dumps({"type": "reaction.add", "seq": -1, "emoji": "x"}),
                       json.dumps({"type": "message.delete", "seq": "1; DROP TABLE"}),
                       *aimed_elsewhere]  # fmt: skip
                answers = []
                for index in range(100):
                    frame = bad[index % len(bad)]
                    await socket.send(frame)
                    answers.append((frame, (await next_frame(socket, "error"))["code"]))
                await socket.send(json.dumps({"type": "message.send", "body": "still here", "client_id": "ok"}))
                message = (await next_frame(socket, "message.new"))["message"]
                return answers, message, rss_before, rss_kib(process.pid)

        answers, message, rss_before, rss_after = asyncio.run(scenario())
        assert {code for frame, code in answers if frame in aimed_elsewhere} == {"not_found"}
        assert {code for frame, code in answers if len(frame) > 64 * 1024} == {"too_large"}
        assert {code for _frame, code in answers} == {"invalid_frame", "too_large", "not_found"}
        assert message["body"] == "still here"
        assert Message.objects.filter(space=space).count() == 1
        untouched = Message.objects.get(space=other)
        assert (untouched.body, untouched.deleted, untouched.reactions, untouched.edited_at) == (
            "not to be changed from another space", False, {}, None,
        )  # fmt: skip
        assert rss_after - rss_before < 10 * 1024
    finally:
        stop(process)
