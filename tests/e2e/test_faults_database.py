"""PostgreSQL unreachable: a real Hub server process reaches the database through a TCP proxy that
the test cuts (connections refused, or left hanging) and restores.

While it is cut: ``/healthz`` answers 503 naming the database; REST answers 503
``database_unavailable`` with ``Retry-After``; an open socket's frames that need the database get
an ``error`` frame and the socket stays open; a new socket is closed with 1013 (Try Again Later).
Nothing is half-written: every post is committed whole with its seq or not at all, and a resend by
``client_id`` stores it exactly once. When the proxy is back the Hub serves again by itself, and a
client resuming with ``?after=`` gets everything committed, in order.
"""

import asyncio
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import pytest
from websockets.exceptions import ConnectionClosed

from discussions.models import Message, Space
from tests.e2e.processes import services_env, start_uvicorn, stop, wait_until
from tests.e2e.processes import test_database_url as the_test_database_url
from tests.e2e.spaces_client import member, next_frame, open_socket, rest
from tests.e2e.tcp_proxy import TcpProxy

# Every wait inside is bounded; their sum on a loaded 2-core machine can pass the suite's 120 s.
pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

# Short timeouts in the server, so that the test sees answers in seconds; the defaults are in settings.
FAST_FAILING = {
    "DATABASE_CONNECT_TIMEOUT": "2",
    "DATABASE_POOL_TIMEOUT": "3",
    "DISCUSSION_RATE_LIMIT_COUNT": "100000",
}
SENDS = 40


@pytest.fixture
def space(db):
    return Space.objects.create(slug="cut-off", name="Cut off")


@pytest.fixture
def proxy():
    parts = urlsplit(the_test_database_url())
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    yield proxy
    proxy.stop()


def through(proxy: TcpProxy) -> str:
    """The test database's URL with the proxy in place of the server's address."""
    parts = urlsplit(the_test_database_url())
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def http(port: int, path: str) -> tuple[int, str, str, str | None]:
    """Status, content type, body and Retry-After of a plain GET, within a bounded time."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode(), None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode(), error.headers["Retry-After"]


async def send_and_wait(socket, client_id: str, body: str) -> dict:
    """The answer to one ``message.send``: the sender's own ``message.new`` or an ``error``."""
    await socket.send(json.dumps({"type": "message.send", "body": body, "client_id": client_id}))
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 30))
        if frame["type"] == "error" and frame.get("client_id") == client_id:
            return frame
        if frame["type"] == "message.new" and frame["message"]["client_id"] == client_id:
            return frame


@pytest.mark.parametrize(
    ("mode", "pool"),
    # DATABASE_POOL=0 is the setting behind PgBouncer: one persistent connection per thread,
    # closed by Django after an error and opened again by the next call.
    [("refuse", "1"), ("hang", "1"), ("refuse", "0")],
    ids=["refused", "hanging", "refused-without-pool"],
)
def test_the_database_cut_off_and_back(tmp_path, space, proxy, mode, pool):
    env = services_env(DATABASE_URL=through(proxy), DATABASE_POOL=pool, **FAST_FAILING)
    server, port = start_uvicorn(env, tmp_path / "server.log")
    alice, bob = member(space), member(space)
    try:
        status, first = rest(port, bob, "POST", f"spaces/{space.slug}/messages/", {"body": "before", "client_id": "b0"})
        assert status == 201, first
        assert proxy.connections > 0  # the server really goes through the proxy

        async def scenario():
            loop = asyncio.get_running_loop()
            async with open_socket(port, alice, space.slug, after=0) as sender:
                await next_frame(sender, "hello")
                assert (await next_frame(sender, "message.new"))["message"]["seq"] == 1

                # Sends one after another, each waiting for its answer; the proxy is cut mid-stream,
                # so that one may be cut off while it is being written. Each refused send waits for
                # the pool's timeout first: the sends stop at the second refusal.
                answers: dict[str, dict] = {}

                async def sends():
                    for index in range(SENDS):
                        answers[f"s{index}"] = await send_and_wait(sender, f"s{index}", f"send {index}")
                        if sum(frame["type"] == "error" for frame in answers.values()) == 2:
                            return

                async def cut_soon():
                    while len(answers) < 5:
                        await asyncio.sleep(0.01)
                    await loop.run_in_executor(None, proxy.cut, mode)

                await asyncio.gather(sends(), cut_soon())
                refused = [client_id for client_id, frame in answers.items() if frame["type"] == "error"]
                assert refused, "every send succeeded: the cut came too late to test anything"
                assert {answers[client_id]["code"] for client_id in refused} == {"database_unavailable"}
                assert all(1 <= answers[client_id]["retry_after"] <= 60 for client_id in refused)

                # While cut: the socket is still open and answers what needs no database.
                await sender.send(json.dumps({"type": "ping"}))
                await next_frame(sender, "pong")

                health = await loop.run_in_executor(None, http, port, "/healthz")
                assert health[0] == 503
                assert json.loads(health[2])["database"] == "unavailable"

                status, body = await loop.run_in_executor(
                    None, rest, port, bob, "POST", f"spaces/{space.slug}/messages/", {"body": "rest", "client_id": "r1"}
                )
                assert (status, body["code"]) == (503, "database_unavailable")
                listing = await loop.run_in_executor(None, http, port, f"/api/v1/spaces/{space.slug}/messages/")
                assert listing[:2] == (503, "application/json")
                assert json.loads(listing[2])["code"] == "database_unavailable"
                assert listing[3] is not None and int(listing[3]) >= 1
                page = await loop.run_in_executor(None, http, port, f"/spaces/{space.slug}/")
                assert page[0] == 503, page

                # A new socket cannot be served: closed with 1013, not left waiting.
                async with open_socket(port, bob, space.slug) as newcomer:
                    with pytest.raises(ConnectionClosed) as closed:
                        await asyncio.wait_for(newcomer.recv(), 30)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013

                # Back: the Hub serves again by itself (the pool reconnects), without a restart.
                await loop.run_in_executor(None, proxy.restore)
                assert await loop.run_in_executor(
                    None, lambda: wait_until(lambda: http(port, "/healthz")[0] == 200, timeout=60, interval=0.5)
                )
                # The same socket, still open, resends what was refused, then sends the rest: each is stored once.
                unsent = [f"s{index}" for index in range(len(answers), SENDS)]
                resent = {client_id: await send_and_wait(sender, client_id, "again") for client_id in refused + unsent}
                assert {frame["type"] for frame in resent.values()} == {"message.new"}
                return answers, resent

        answers, resent = asyncio.run(scenario())
        status, again = rest(port, bob, "POST", f"spaces/{space.slug}/messages/", {"body": "rest", "client_id": "r1"})
        assert status == 201, again

        # Nothing half-written: every seq from 1 on, each once, and every send stored exactly once.
        stored = list(Message.objects.filter(space=space).order_by("seq").values_list("seq", "client_id"))
        assert [seq for seq, _client_id in stored] == list(range(1, SENDS + 3))
        every_send = ["b0", "r1", *(f"s{index}" for index in range(SENDS))]
        assert sorted(str(client_id) for _seq, client_id in stored) == sorted(every_send)
        space.refresh_from_db()
        assert space.last_seq == SENDS + 2
        seq_of = dict((client_id, seq) for seq, client_id in stored)
        for client_id, frame in {**answers, **resent}.items():
            if frame["type"] == "message.new":
                assert frame["message"]["seq"] == seq_of[client_id]

        async def resume():
            async with open_socket(port, bob, space.slug, after=1) as socket:
                hello = await next_frame(socket, "hello")
                frames = [(await next_frame(socket, "message.new"))["message"] for _ in range(SENDS + 1)]
                with pytest.raises(TimeoutError):
                    await next_frame(socket, "message.new", timeout=0.5)
                return hello["last_seq"], [(frame["seq"], frame["client_id"]) for frame in frames]

        assert asyncio.run(resume()) == (SENDS + 2, stored[1:])
    finally:
        stop(server)
