"""``/ws/notifications/`` through ``WebsocketCommunicator`` on the real ASGI application."""

import pytest
from channels.db import database_sync_to_async as db
from django.db import transaction

from discussions.models import Membership, Space
from discussions.services.posting import message_post
from discussions.services.read_markers import read_mark
from notifications import live
from notifications.models import Notification
from notifications.services import notification_create, notification_mark_all_read, notification_mark_read
from tests.factories import UserFactory
from tests.notifications.sockets import close_code, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]


def notify(recipient, key: str = "contact:1", title: str = "Bo wrote to you") -> Notification:
    notification = notification_create(
        recipient=recipient, kind=Notification.Kind.CONTACT_REQUEST, title=title, source_key=key, email=False
    )
    assert notification is not None
    return notification


def space_with_messages(reader, *, others: int, own: int, read_up_to: int) -> Space:
    space = Space.objects.create(slug="smuggling-talk", name="Smuggling talk")
    author = UserFactory.create()
    for user in (author, reader):
        Membership.objects.create(space=space, user=user)
    for index in range(others):
        message_post(slug=space.slug, author=author, body=f"news {index}")
    for index in range(own):
        message_post(slug=space.slug, author=reader, body=f"mine {index}")
    Membership.objects.filter(space=space, user=reader).update(last_read_seq=read_up_to)
    return space


async def test_anonymous_socket_is_closed_with_4401():
    assert await close_code(None) == 4401


async def test_unread_on_connect_counts_notifications_and_others_messages_per_space():
    amina = await db(UserFactory.create)()
    await db(space_with_messages)(amina, others=3, own=2, read_up_to=1)
    first = await db(notify)(amina, "contact:1")
    await db(notify)(amina, "contact:2")
    await db(notification_mark_read)(user=amina, notification_id=first.pk)
    socket = await connect(amina)
    # Messages 2 and 3 of the others are after the marker; the reader's own two never count.
    assert socket.unread == {"type": "unread", "spaces": {"smuggling-talk": 2}, "notifications": 1}
    await socket.disconnect()


async def test_a_new_notification_arrives_live_after_its_commit_then_the_new_count():
    amina = await db(UserFactory.create)()
    socket = await connect(amina)
    assert socket.unread == {"type": "unread", "spaces": {}, "notifications": 0}
    notification = await db(notify)(amina)
    new = await socket.receive_json_from(timeout=5)
    assert new["type"] == "notification.new"
    assert new["notification"]["id"] == notification.pk
    assert new["notification"]["title"] == "Bo wrote to you"
    assert new["notification"]["read_at"] is None
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "spaces": {}, "notifications": 1}
    await socket.disconnect()


def notify_and_roll_back(recipient) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient)
        raise RuntimeError("the cause failed")


async def test_a_rolled_back_notification_is_never_pushed():
    amina = await db(UserFactory.create)()
    socket = await connect(amina)
    await db(notify_and_roll_back)(amina)
    assert await socket.receive_nothing(timeout=0.3)
    assert await db(Notification.objects.count)() == 0
    await socket.disconnect()


async def test_another_users_notification_never_reaches_the_socket():
    amina, bo = await db(UserFactory.create)(), await db(UserFactory.create)()
    amina_socket, bo_socket = await connect(amina), await connect(bo)
    await db(notify)(bo)
    assert (await bo_socket.receive_json_from(timeout=5))["type"] == "notification.new"
    assert await amina_socket.receive_nothing(timeout=0.3)
    await amina_socket.disconnect()
    await bo_socket.disconnect()


async def test_reading_one_and_reading_all_send_the_new_counts():
    amina = await db(UserFactory.create)()
    first, _second = await db(notify)(amina, "contact:1"), await db(notify)(amina, "contact:2")
    socket = await connect(amina)
    assert socket.unread["notifications"] == 2
    await db(notification_mark_read)(user=amina, notification_id=first.pk)
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "spaces": {}, "notifications": 1}
    await db(notification_mark_read)(user=amina, notification_id=first.pk)  # again: no change, no frame
    await db(notification_mark_all_read)(user=amina)
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "spaces": {}, "notifications": 0}
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_moving_a_read_marker_sends_the_spaces_new_count():
    amina = await db(UserFactory.create)()
    await db(space_with_messages)(amina, others=3, own=0, read_up_to=0)
    socket = await connect(amina)
    assert socket.unread["spaces"] == {"smuggling-talk": 3}
    await db(read_mark)(slug="smuggling-talk", user=amina, seq=2)
    assert await socket.receive_json_from(timeout=5) == {
        "type": "unread", "spaces": {"smuggling-talk": 1}, "notifications": 0,
    }  # fmt: skip
    await db(read_mark)(slug="smuggling-talk", user=amina, seq=1)  # backwards: nothing changes
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_mention_in_a_space_reaches_the_mentioned_members_socket():
    amina = await db(UserFactory.create)(username="amina")
    space = await db(space_with_messages)(amina, others=0, own=0, read_up_to=0)
    bo = await db(UserFactory.create)(display_name="Bo Chen")
    await db(Membership.objects.create)(space=space, user=bo)
    socket = await connect(amina)
    await db(message_post)(slug=space.slug, author=bo, body="What do you think, @amina?")
    new = await socket.receive_json_from(timeout=5)
    assert new["type"] == "notification.new"
    assert new["notification"]["kind"] == "mention"
    assert new["notification"]["title"] == "Bo Chen mentioned you in Smuggling talk"
    assert new["notification"]["url"] == "/spaces/smuggling-talk/#m1"
    assert await socket.receive_json_from(timeout=5) == {
        "type": "unread", "spaces": {"smuggling-talk": 1}, "notifications": 1,
    }  # fmt: skip
    await db(read_mark)(slug=space.slug, user=amina, seq=1)  # reading the conversation reads the mention
    assert await socket.receive_json_from(timeout=5) == {
        "type": "unread", "spaces": {"smuggling-talk": 0}, "notifications": 0,
    }  # fmt: skip
    await socket.disconnect()


async def test_ping_is_answered_and_a_bad_frame_gets_an_error_on_an_open_socket():
    amina = await db(UserFactory.create)()
    socket = await connect(amina)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
    await socket.send_json_to({"type": "message.send", "body": "no"})
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == "invalid_frame"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
    await socket.disconnect()


def bulk_notify(recipients) -> list[int]:
    ids = []
    with transaction.atomic():
        for index, recipient in enumerate(recipients):
            ids.append(
                Notification.objects.create(
                    recipient=recipient, kind=Notification.Kind.EVENT_ANNOUNCEMENT, title=f"Talk {index}",
                    source_key="event:1",
                ).pk
            )  # fmt: skip
    return ids


async def test_a_bulk_push_reaches_the_recipients_online_and_reads_little_for_the_others(django_assert_max_num_queries):
    recipients = await db(lambda: [UserFactory.create() for _ in range(60)])()
    online = recipients[:2]
    sockets = [await connect(user) for user in online]
    ids = await db(bulk_notify)(recipients)

    def push() -> int:
        with django_assert_max_num_queries(4):  # recipients, notifications, unread counts (2)
            return live.push_notifications(ids)

    assert await db(push)() == 4  # two notification.new and two unread envelopes
    for socket, user in zip(sockets, online, strict=True):
        new = await socket.receive_json_from(timeout=5)
        assert new["type"] == "notification.new"
        assert new["notification"]["id"] == ids[recipients.index(user)]
        assert (await socket.receive_json_from(timeout=5))["notifications"] == 1
        await socket.disconnect()
