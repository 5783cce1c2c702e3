"""Erasing an account closes its open sockets with 4401: those on its spaces and its
notification socket, opened with the session cookie as well as with the token."""

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.erasure import user_erase
from accounts.services import token_for
from config.asgi import application
from discussions.models import Membership, Space
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]


@pytest.fixture
async def fanout_cleanup():
    yield
    from realtime.fanout import fanout_shutdown

    await fanout_shutdown()


def person_in_a_space() -> tuple[int, str, str, int]:
    """(user id, session cookie, token, the space's id) of a member of a new space."""
    user = UserFactory.create()
    space = Space.objects.create(slug="erasure-room", name="Erasure room")
    Membership.objects.create(space=space, user=user)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return user.pk, cookie, token_for(user), space.pk


async def opened(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=5)  # hello (spaces) or unread (notifications)
    return communicator


async def close_code(socket: WebsocketCommunicator) -> int:
    while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    return output["code"]


async def test_erasure_closes_the_account_s_session_and_token_sockets_with_4401():
    user_id, cookie, token, _space_id = await db(person_in_a_space)()
    by_session = [(b"cookie", cookie.encode()), (b"origin", b"http://testserver")]
    by_token = [(b"authorization", f"Token {token}".encode())]
    sockets = [
        await opened("/ws/spaces/erasure-room/", by_session),
        await opened("/ws/spaces/erasure-room/", by_token),
        await opened("/ws/notifications/", by_session),
        await opened("/ws/notifications/", by_token),
    ]
    await db(user_erase)(user_id=user_id)
    assert [await close_code(socket) for socket in sockets] == [4401, 4401, 4401, 4401]


def visitor_of_a_public_space() -> tuple[int, str]:
    """(user id, session cookie) of someone who is not a member of the public space."""
    user = UserFactory.create()
    Space.objects.create(slug="open-forum", name="Open forum")
    client = Client()
    client.force_login(user)
    return user.pk, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def test_a_visitor_s_session_socket_on_a_public_space_closes_at_once():
    """No space envelope names a space the account never joined: its session credential does."""
    user_id, cookie = await db(visitor_of_a_public_space)()
    socket = await opened("/ws/spaces/open-forum/", [(b"cookie", cookie.encode()), (b"origin", b"http://testserver")])
    await db(user_erase)(user_id=user_id)
    assert await close_code(socket) == 4401
