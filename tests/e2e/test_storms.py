"""Connection and reconnection storms on a real server process (``config.serve``), with PostgreSQL
and Redis: many sockets opening at once each get exactly their own answer, and many resuming at
once each get every message they missed, in order, as it is now (an edit made after the process
cached the messages included). No timing is asserted: ``make bench-storms`` measures."""

import asyncio
import json

import pytest
from websockets.exceptions import ConnectionClosed

from discussions.models import Ban, Message, Space
from tests.e2e.processes import services_env, start_uvicorn, stop
from tests.e2e.spaces_client import member, next_frame, open_socket, rest, with_token
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

CROWD = 150


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_blocker):
    log = tmp_path_factory.mktemp("storms") / "server.log"
    with django_db_blocker.unblock():
        env = services_env()
    process, port = start_uvicorn(env, log)
    yield port
    stop(process)


@pytest.fixture
def space(db):
    return Space.objects.create(slug="gcm-talk-storm", name="GCM Talk")


async def _answer(port: int, user, slug: str, after: int | None = None, messages: int = 0) -> dict:
    """What one socket of the storm was told: its hello and replayed messages, or its close code."""
    try:
        async with open_socket(port, user, slug, after=after, open_timeout=60) as socket:
            hello = json.loads(await asyncio.wait_for(socket.recv(), 60))
            replayed = [(await next_frame(socket, "message.new", timeout=60))["message"] for _ in range(messages)]
            return {"hello": hello, "replayed": replayed}
    except ConnectionClosed as closed:
        return {"code": closed.rcvd.code if closed.rcvd else None}


def test_a_crowd_connecting_at_once_is_each_answered_alone(server, space):
    crowd = [member(space) for _ in range(CROWD)]
    banned = crowd[40:43]
    for user in banned:
        Ban.objects.create(space=space, user=user)
    visitor, outsider = with_token(UserFactory.create()), with_token(UserFactory.create())
    private = Space.objects.create(slug="closed-group", name="Closed", visibility=Space.Visibility.PRIVATE)

    async def storm():
        sockets = [_answer(server, user, space.slug) for user in crowd]
        sockets += [_answer(server, visitor, space.slug), _answer(server, outsider, private.slug)]
        return await asyncio.gather(*sockets)

    answers = asyncio.run(storm())
    for user, answer in zip(crowd, answers, strict=False):
        if user in banned:
            assert answer == {"code": 4403}
        else:
            hello = answer["hello"]
            assert (hello["type"], hello["role"], hello["last_seq"]) == ("hello", "member", 0)
            assert hello["online_count"] >= 1 and len(hello["online"]) <= 100
    assert answers[CROWD]["hello"]["role"] == "visitor"
    assert answers[CROWD + 1] == {"code": 4404}


def test_a_crowd_resuming_at_once_gets_every_message_in_order_edits_included(server, space):
    author, crowd = member(space), [member(space) for _ in range(CROWD)]

    async def post_and_edit():
        # A socket stays connected, so the server's feed caches each message as it goes out.
        async with open_socket(server, author, space.slug) as watcher:
            await next_frame(watcher, "hello")
            for index in range(20):
                await watcher.send(json.dumps({"type": "message.send", "body": f"m{index}", "client_id": f"c{index}"}))
                await next_frame(watcher, "message.new")
            # After the cache was filled: an edit and a deletion, through REST.
            message_id = await asyncio.to_thread(lambda: Message.objects.get(space=space, seq=7).pk)
            deleted_id = await asyncio.to_thread(lambda: Message.objects.get(space=space, seq=8).pk)
            assert (
                await asyncio.to_thread(rest, server, author, "PATCH", f"messages/{message_id}/", {"body": "edited"})
            )[0] == 200
            assert (await asyncio.to_thread(rest, server, author, "DELETE", f"messages/{deleted_id}/"))[0] == 200
            await next_frame(watcher, "message.updated")
            await next_frame(watcher, "message.updated")
            return await asyncio.gather(*(_answer(server, user, space.slug, after=2, messages=18) for user in crowd))

    answers = asyncio.run(post_and_edit())
    for answer in answers:
        assert answer["hello"]["last_seq"] == 20
        replayed = answer["replayed"]
        assert [message["seq"] for message in replayed] == list(range(3, 21))
        by_seq = {message["seq"]: message for message in replayed}
        assert by_seq[7]["body"] == "edited"
        assert (by_seq[8]["deleted"], by_seq[8]["body"]) == (True, "")
        assert by_seq[9]["body"] == "m8"


def test_sockets_closing_at_once_leave_only_those_still_there_online(server, space):
    crowd, stays = [member(space) for _ in range(60)], member(space)

    async def scenario():
        async with open_socket(server, stays, space.slug) as staying:
            await next_frame(staying, "hello")
            sockets = [await open_socket(server, user, space.slug) for user in crowd]
            for socket in sockets:
                await next_frame(socket, "hello")
            await asyncio.gather(*(socket.close() for socket in sockets))
            # The departures are written after each close handshake: look until they are.
            hello: dict = {}
            for _attempt in range(100):
                async with open_socket(server, stays, space.slug) as again:
                    hello = await next_frame(again, "hello")
                if hello["online_count"] == 1:
                    break
                await asyncio.sleep(0.1)
            return hello

    hello = asyncio.run(scenario())
    assert (hello["online"], hello["online_count"]) == ([stays.username], 1)
