"""Discussion spaces end to end: two uvicorn processes sharing real Redis and PostgreSQL."""

import asyncio
import json
from html.parser import HTMLParser

import pytest
from websockets.exceptions import ConnectionClosed

from discussions.models import Membership, Message, Space
from tests.e2e.processes import services_env, start_uvicorn, stop
from tests.e2e.spaces_client import member, next_frame, open_socket, rest, with_token
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def servers(tmp_path_factory, django_db_blocker):
    logs = tmp_path_factory.mktemp("servers")
    with django_db_blocker.unblock():
        env = services_env()
    started = [start_uvicorn(env, logs / f"server-{index}.log") for index in range(2)]
    yield [port for _process, port in started]
    for process, _port in started:
        stop(process)


@pytest.fixture
def space(db):
    return Space.objects.create(slug="gcm-talk", name="GCM Talk")


def test_a_message_sent_through_one_server_reaches_sockets_on_the_other(servers, space):
    alice, bob = member(space), member(space)

    async def scenario():
        async with open_socket(servers[0], alice, space.slug) as a, open_socket(servers[1], bob, space.slug) as b:
            await next_frame(a, "hello")
            await next_frame(b, "hello")
            await a.send(json.dumps({"type": "message.send", "body": "across processes", "client_id": "x1"}))
            return await next_frame(b, "message.new"), await next_frame(a, "message.new")

    theirs, mine = asyncio.run(scenario())
    assert theirs == mine
    assert theirs["message"]["body"] == "across processes"
    assert Message.objects.get().seq == 1


def test_presence_spans_server_processes(servers, space):
    alice, bob = member(space), member(space)

    async def scenario():
        async with open_socket(servers[0], alice, space.slug) as a:
            await next_frame(a, "hello")
            async with open_socket(servers[1], bob, space.slug) as b:
                hello = await next_frame(b, "hello")
                joined = await next_frame(a, "presence")
            left = await next_frame(a, "presence")
            return hello, joined, left

    hello, joined, left = asyncio.run(scenario())
    assert hello["online"] == sorted([alice.username, bob.username])
    assert joined == {"type": "presence", "username": bob.username, "online": True}
    assert left == {"type": "presence", "username": bob.username, "online": False}


def test_reconnect_with_after_gets_exactly_the_50_missed_messages_in_order(servers, space):
    alice = member(space)
    senders = [member(space) for _ in range(5)]

    async def visit():
        async with open_socket(servers[0], alice, space.slug) as a:
            await next_frame(a, "hello")
            await a.send(json.dumps({"type": "message.send", "body": "before", "client_id": "b0"}))
            return (await next_frame(a, "message.new"))["message"]["seq"]

    last_seen = asyncio.run(visit())
    # Alice is away; 50 messages are posted through the other server.
    for index in range(50):
        status, _body = rest(servers[1], senders[index % 5], "POST", f"spaces/{space.slug}/messages/",
                             {"body": f"missed {index}"})  # fmt: skip
        assert status == 201

    async def resume():
        async with open_socket(servers[0], alice, space.slug, after=last_seen) as a:
            await next_frame(a, "hello")
            frames = [await next_frame(a, "message.new") for _ in range(50)]
            with pytest.raises(TimeoutError):
                await next_frame(a, "message.new", timeout=0.5)
            return frames

    frames = asyncio.run(resume())
    assert [frame["message"]["seq"] for frame in frames] == list(range(last_seen + 1, last_seen + 51))
    assert [frame["message"]["body"] for frame in frames] == [f"missed {i}" for i in range(50)]


def test_same_client_id_twice_makes_one_message(servers, space):
    alice = member(space)

    async def scenario():
        async with open_socket(servers[0], alice, space.slug) as a:
            await next_frame(a, "hello")
            for _ in range(2):
                await a.send(json.dumps({"type": "message.send", "body": "once", "client_id": "dup"}))
            return [await next_frame(a, "message.new") for _ in range(2)]

    first, second = asyncio.run(scenario())
    assert first["message"]["id"] == second["message"]["id"]
    assert Message.objects.count() == 1


def close_code(port: int, user, slug: str) -> int:
    async def scenario():
        async with open_socket(port, user, slug) as socket:
            try:
                while True:
                    await asyncio.wait_for(socket.recv(), 5)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None, "closed without a close frame"
                return closed.rcvd.code

    return asyncio.run(scenario())


def test_non_member_of_a_private_space_is_closed_with_4404(servers):
    private = Space.objects.create(slug="closed-group", name="Closed group", visibility=Space.Visibility.PRIVATE)
    assert close_code(servers[1], with_token(UserFactory.create()), private.slug) == 4404


def test_a_ban_closes_the_socket_with_4403_before_anything_posted_after_it(servers, space):
    # No stopwatch: the order of events is the promise. The ban and then a message are posted
    # through server 0; the banned user's socket and a witness's are on server 1.
    moderator = with_token(UserFactory.create())
    Membership.objects.create(space=space, user=moderator, role=Membership.Role.MODERATOR)
    target, witness = member(space), member(space)

    async def scenario():
        async with (
            open_socket(servers[1], target, space.slug) as banned,
            open_socket(servers[1], witness, space.slug) as watching,
        ):
            await next_frame(banned, "hello")
            await next_frame(watching, "hello")
            loop = asyncio.get_running_loop()
            ban = await loop.run_in_executor(
                None, rest, servers[0], moderator, "POST", f"spaces/{space.slug}/bans/", {"username": target.username}
            )
            assert ban[0] == 201
            status, after = await loop.run_in_executor(
                None, rest, servers[0], moderator, "POST", f"spaces/{space.slug}/messages/", {"body": "after the ban"}
            )
            assert status == 201
            witnessed = await next_frame(watching, "message.new")
            seen: list[str] = []
            try:
                while not seen or seen[-1] != "message.new":
                    seen.append(json.loads(await asyncio.wait_for(banned.recv(), 10))["type"])
            except ConnectionClosed as closed:
                assert closed.rcvd is not None, "closed without a close frame"
                return closed.rcvd.code, seen, witnessed["message"]["seq"], after["seq"]
            return None, seen, witnessed["message"]["seq"], after["seq"]

    code, seen_by_the_banned, witnessed_seq, after_seq = asyncio.run(scenario())
    assert witnessed_seq == after_seq  # the message did reach server 1's sockets
    assert "message.new" not in seen_by_the_banned  # but not the banned one: it was closed first
    assert code == 4403


def test_twenty_first_message_in_ten_seconds_is_rate_limited(servers, space):
    alice = member(space)

    async def scenario():
        async with open_socket(servers[0], alice, space.slug) as a:
            await next_frame(a, "hello")
            for index in range(21):
                await a.send(json.dumps({"type": "message.send", "body": f"m{index}", "client_id": f"r{index}"}))
            return await next_frame(a, "error")

    error = asyncio.run(scenario())
    assert (error["code"], error["client_id"]) == ("rate_limited", "r20")
    # Within the contract's window; tests/discussions/test_consumers.py asserts the exact value
    # with the clock frozen, which a separate server process cannot be.
    assert 1 <= error["retry_after"] <= 10
    assert Message.objects.count() == 20


class _LiveHazards(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "img", "svg", "iframe"} or any(
            name.startswith("on") or (value or "").lower().startswith(("javascript:", "data:")) for name, value in attrs
        ):
            self.found.append(tag)


def test_xss_payloads_come_out_inert_through_the_server(servers, space):
    alice = member(space)
    payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                "<a href=javascript:alert(1)>x</a>", "[d](data:text/html,<script>alert(1)</script>)"]  # fmt: skip

    async def scenario():
        async with open_socket(servers[0], alice, space.slug) as a:
            await next_frame(a, "hello")
            for index, payload in enumerate(payloads):
                await a.send(json.dumps({"type": "message.send", "body": payload, "client_id": f"x{index}"}))
            return [await next_frame(a, "message.new") for _ in payloads]

    for frame in asyncio.run(scenario()):
        parser = _LiveHazards()
        parser.feed(frame["message"]["html"])
        assert parser.found == [], frame["message"]["html"]
