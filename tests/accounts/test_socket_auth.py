"""Who a socket is, decided at the handshake: session cookie, or ``Authorization: Token``."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from accounts.services import token_for
from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def hello(headers: list[tuple[bytes, bytes]]) -> dict:
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    frame = await communicator.receive_json_from()
    await communicator.disconnect()
    return frame


@pytest.fixture
def user_token(user):
    return user, token_for(user)


async def test_token_header_authenticates_the_socket(user_token):
    user, token = user_token
    frame = await hello([(b"authorization", f"Token {token}".encode())])
    assert frame == {"type": "hello", "user": user.username}


async def test_bad_token_leaves_the_socket_anonymous(db):
    frame = await hello([(b"authorization", b"Token 0000000000000000000000000000000000000000")])
    assert frame == {"type": "hello", "user": None}


async def test_no_credentials_is_anonymous(db):
    assert await hello([]) == {"type": "hello", "user": None}


async def test_session_cookie_authenticates_the_socket(user, client):
    from asgiref.sync import sync_to_async

    await sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    frame = await hello([(b"cookie", cookie.encode()), (b"origin", b"http://testserver")])
    assert frame == {"type": "hello", "user": user.username}


async def test_ping_gets_pong_and_garbage_gets_an_error_frame(db):
    communicator = WebsocketCommunicator(application, "/ws/health/")
    await communicator.connect()
    await communicator.receive_json_from()
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["code"] == "invalid_frame"
    await communicator.send_to(text_data="x" * (64 * 1024 + 1))
    assert (await communicator.receive_json_from())["code"] == "too_large"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize("origin", [b"http://evil.example", b"https://testserver.evil.example", b"null"])
async def test_foreign_origin_is_refused_at_the_handshake(db, origin):
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", origin)])
    connected, _ = await communicator.connect()
    assert not connected


async def test_allowed_origin_is_accepted(db, settings):
    settings.ALLOWED_HOSTS = ["hub.example.org"]
    accepted = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", b"https://hub.example.org")])
    assert (await accepted.connect())[0]
    await accepted.disconnect()
    refused = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", b"https://other.example.org")])
    assert not (await refused.connect())[0]
