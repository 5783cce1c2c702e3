"""Faults the real-time core must survive without losing or duplicating a message.

Each test that stops or breaks Redis runs its own redis-server on a spare loopback port.
"""

import asyncio
import json
import signal
import socket
import time

import pytest
from websockets.exceptions import ConnectionClosed

from discussions.models import Message, Space
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
    try:

        async def before_the_crash():
            socket = await open_socket(port_a, alice, space.slug).__aenter__()
            await next_frame(socket, "hello")
            loop = asyncio.get_running_loop()
            seen = await loop.run_in_executor(None, post, port_b, bob, space.slug, "seen by alice")
            assert (await next_frame(socket, "message.new"))["message"]["seq"] == seen["seq"]
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

        def alice_listed_online() -> bool:
            _status, page = rest(port_b, bob, "GET", f"spaces/{space.slug}/members/")
            return any(row["username"] == alice.username and row["online"] for row in page["results"])

        # Alice's entry from the dead process is no longer refreshed and expires on its own.
        assert wait_until(lambda: not alice_listed_online(), timeout=10, interval=0.5)
    finally:
        stop(doomed)
        stop(survivor)


def test_a_slow_reader_is_cut_off_and_the_others_get_everything(tmp_path, space):
    env = services_env(DISCUSSION_SEND_QUEUE_MAX="100", DISCUSSION_RATE_LIMIT_COUNT="100000")
    process, port = start_uvicorn(env, tmp_path / "server.log")
    sender, reader, sluggard = member(space), member(space), member(space)
    flood = 2000
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
                # ~8 KB frames (body and html): 16 MB in all, more than loopback TCP buffers absorb.
                body = "x" * 4000

                # Like a real client, the sender keeps a bounded number of sends in flight.
                in_flight = asyncio.Semaphore(50)

                async def produce():
                    for index in range(flood):
                        await in_flight.acquire()
                        await send.send(json.dumps({"type": "message.send", "body": body, "client_id": f"f{index}"}))

                async def consume():
                    seqs = []
                    try:
                        for _ in range(flood):
                            seqs.append((await next_frame(fast, "message.new", timeout=30))["message"]["seq"])
                    except TimeoutError:
                        pytest.fail(
                            f"the fast reader stalled after {len(seqs)} messages in {time.monotonic() - started:.1f}s"
                        )
                    return seqs

                async def drain_own_echoes():
                    # The sender reads its socket too, or it would be the next slow reader cut off.
                    for _ in range(flood):
                        await next_frame(send, "message.new", timeout=60)
                        in_flight.release()

                started = time.monotonic()

                _, seqs, _ = await asyncio.gather(produce(), consume(), drain_own_echoes())
                rss_after = rss_kib(process.pid)
                # The sluggard's own view is up to its client library and TCP; the server's is in its log.
                return seqs, rss_before, rss_after

        seqs, rss_before, rss_after = asyncio.run(scenario())
        assert seqs == list(range(1, flood + 1))
        # Whether the sluggard's queue fills before loopback's TCP buffers do depends on the kernel;
        # tests/discussions/test_fanout.py shows a full queue closing a socket with 4008.

        # Queued for the sluggard, the flood would be 16 MB; its queue stops at 100 frames.
        assert rss_after - rss_before < 40 * 1024, (rss_before, rss_after)
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
    post_elsewhere = member(other)
    foreign = post(port, post_elsewhere, other.slug, "not yours")
    try:

        async def scenario():
            async with open_socket(port, alice, space.slug) as socket:
                await next_frame(socket, "hello")
                rss_before = rss_kib(process.pid)
                bad = ["{", "[]", "null", '{"type": 5}', '{"type": "message.send"}', "x" * (70 * 1024),
                       json.dumps({"type": "message.edit", "seq": foreign["seq"] + 50, "body": "hijack"}),
                       json.dumps({"type": "message.send", "body": "", "client_id": "c"}),
                       json.dumps({"type": "reaction.add", "seq": -1, "emoji": "x"}),
                       json.dumps({"type": "message.delete", "seq": "1; DROP TABLE"})]  # fmt: skip
                codes = []
                for index in range(100):
                    await socket.send(bad[index % len(bad)])
                    codes.append((await next_frame(socket, "error"))["code"])
                await socket.send(json.dumps({"type": "message.send", "body": "still here", "client_id": "ok"}))
                message = (await next_frame(socket, "message.new"))["message"]
                return codes, message, rss_before, rss_kib(process.pid)

        codes, message, rss_before, rss_after = asyncio.run(scenario())
        assert set(codes) <= {"invalid_frame", "too_large", "not_found"}
        assert codes.count("too_large") == 10
        assert message["body"] == "still here"
        assert Message.objects.filter(space=space).count() == 1
        assert Message.objects.get(space=other).body == "not yours"
        assert rss_after - rss_before < 10 * 1024
    finally:
        stop(process)
