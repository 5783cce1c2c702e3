"""``/ws/notifications/`` end to end: real uvicorn processes sharing Redis and PostgreSQL."""

import asyncio
import json
from typing import Any

import pytest
import websockets
from django.db import connection
from websockets.asyncio.client import ClientConnection

from discussions.models import Space
from notifications.frame_schemas import NOTIFICATION_SOCKET_FRAMES
from notifications.models import Notification
from notifications.services import notification_create
from tests.e2e.processes import services_env, start_uvicorn, stop
from tests.e2e.spaces_client import member, next_frame, rest
from tests.frame_contract import check_frame

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


class CheckedNotificationConnection(ClientConnection):
    async def recv(self, decode: bool | None = None) -> Any:
        data = await super().recv(decode)
        if isinstance(data, str):
            check_frame(json.loads(data), NOTIFICATION_SOCKET_FRAMES)
        return data


def open_notifications(port: int, user):
    return websockets.connect(
        f"ws://127.0.0.1:{port}/ws/notifications/",
        additional_headers={"Authorization": f"Token {user.token}"},
        create_connection=CheckedNotificationConnection,
    )


@pytest.fixture(scope="module")
def servers(tmp_path_factory, django_db_setup, django_db_blocker):
    # django_db_setup first: the servers must open the test database, not the run's own.
    logs = tmp_path_factory.mktemp("servers")
    with django_db_blocker.unblock():
        env = services_env()
    started = [start_uvicorn(env, logs / f"server-{index}.log") for index in range(2)]
    yield [port for _process, port in started]
    for process, _port in started:
        stop(process)


def test_a_mention_posted_through_one_server_reaches_the_socket_on_the_other_once(servers):
    space = Space.objects.create(slug="gcm-talk", name="GCM Talk")
    amina, bo = member(space, username="amina"), member(space, username="bo", display_name="Bo Chen")

    async def scenario() -> tuple[dict, dict, dict]:
        async with open_notifications(servers[0], amina) as socket:
            unread = await next_frame(socket, "unread")
            status, _body = await asyncio.to_thread(
                rest, servers[1], bo, "POST", "spaces/gcm-talk/messages/", {"body": "@amina over to you"}
            )
            assert status == 201
            new = await next_frame(socket, "notification.new")
            counts = await next_frame(socket, "unread")
            with pytest.raises(TimeoutError):
                await next_frame(socket, "notification.new", timeout=1)  # exactly once
            return unread, new, counts

    unread, new, counts = asyncio.run(scenario())
    assert unread == {"type": "unread", "spaces": {"gcm-talk": 0}, "notifications": 0}
    assert new["notification"]["kind"] == "mention"
    assert new["notification"]["title"] == "Bo Chen mentioned you in GCM Talk"
    assert counts == {"type": "unread", "spaces": {"gcm-talk": 1}, "notifications": 1}
    assert Notification.objects.filter(recipient=amina).count() == 1


def announce(recipient) -> None:
    try:
        notification_create(
            recipient=recipient,
            kind=Notification.Kind.EVENT_ANNOUNCEMENT,
            title="A training on objective 9",
            source_key="event:9",
            email=False,
        )
    finally:
        connection.close()  # this thread's own connection: the test database is dropped after the run


def test_a_notification_committed_outside_the_servers_is_pushed_live(servers):
    space = Space.objects.create(slug="gcm-talk", name="GCM Talk")
    amina = member(space, username="amina")

    async def scenario() -> dict:
        async with open_notifications(servers[1], amina) as socket:
            await next_frame(socket, "unread")
            # As a Celery worker would: this test process commits and publishes through Redis.
            await asyncio.to_thread(announce, amina)
            return await next_frame(socket, "notification.new")

    new = asyncio.run(scenario())
    assert new["notification"]["title"] == "A training on objective 9"
