"""A database error is a 503 ``database_unavailable`` (REST, pages) or an ``error`` frame / a 1013
close (sockets), never a 500 or a socket left waiting. The real outage, through a TCP proxy that a
test cuts, is ``tests/e2e/test_faults_database.py``; here each path is forced one at a time."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from discussions.models import Message, Space
from tests.discussions.conftest import closed_with, connect, fanout_cleanup, member_of, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]
__all__ = ["fanout_cleanup"]  # the fixture, imported to be used here


@pytest.fixture
def space(db):
    return Space.objects.create(slug="dry-spell", name="Dry spell", visibility=Space.Visibility.PUBLIC)


def refuse(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_rest_answers_503_database_unavailable_with_retry_after(client, space, monkeypatch):
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get(f"/api/v1/spaces/{space.slug}/messages/")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["detail"]
    assert int(response["Retry-After"]) >= 1


def test_a_page_answers_503_not_the_500_page(client, space, monkeypatch):
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get(f"/spaces/{space.slug}/")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert int(response["Retry-After"]) >= 1


async def test_a_frame_that_needs_the_database_gets_an_error_frame_and_the_socket_stays(space, monkeypatch):
    from asgiref.sync import sync_to_async

    alice = await sync_to_async(member_of)(space)
    socket = await connect(alice, space.slug)

    async def database_away(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("discussions.consumers._write_posts", database_away)
    await socket.send_json_to({"type": "message.send", "body": "lost?", "client_id": "c1"})
    error = await receive_until(socket, "error")
    assert (error["code"], error["client_id"]) == ("database_unavailable", "c1")
    assert error["retry_after"] >= 1

    monkeypatch.undo()
    await socket.send_json_to({"type": "message.send", "body": "lost?", "client_id": "c1"})
    assert (await receive_until(socket, "message.new"))["message"]["seq"] == 1
    await socket.disconnect()
    assert await Message.objects.filter(space=space).acount() == 1


async def test_a_handshake_without_the_database_is_closed_with_1013(space, monkeypatch):
    from asgiref.sync import sync_to_async

    alice = await sync_to_async(member_of)(space)

    async def database_away(requests):
        raise OperationalError("connection refused")

    # At the consumer (the space's access check) and before it (the token's user).
    monkeypatch.setattr("discussions.consumers._socket_access_many", database_away)
    assert await closed_with(alice, space.slug) == 1013
    monkeypatch.setattr("accounts.socket_auth._users_for_tokens", database_away)
    assert await closed_with(alice, space.slug) == 1013
