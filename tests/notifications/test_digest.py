"""The daily digest over real SMTP: due from 07:00 UTC, once per user and day, what is unread
only, nothing when empty, in the recipient's language, with one-click unsubscribe."""

import datetime as dt

import pytest
from django.core.mail.backends.smtp import EmailBackend

from notifications.digest import digest_due_user_ids, digests_send
from notifications.models import DigestDelivery, EmailDelivery, Notification, NotificationPreference
from notifications.services import notification_create, notification_mark_read
from notifications.tasks import send_daily_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = DigestDelivery.State
DAY_ONE = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def at(clock, hour: int, minute: int = 0, *, day: int = 0) -> None:
    clock.move_to(DAY_ONE + dt.timedelta(days=day, hours=hour, minutes=minute), tick=False)


def digest_user(**fields):
    user = UserFactory.create(**fields)
    NotificationPreference.objects.create(user=user, email=NotificationPreference.Email.DAILY_DIGEST)
    return user


def notify(recipient, key: str, title: str = "Talk on objective 9", **kwargs) -> Notification:
    notification = notification_create(
        recipient=recipient, kind=Notification.Kind.EVENT_ANNOUNCEMENT, title=title, source_key=key, **kwargs
    )
    assert notification is not None
    return notification


def test_nothing_is_due_before_seven_utc_then_each_digest_user_once(time_machine, smtp_server):
    amina = digest_user(email="amina@example.org")
    UserFactory.create()  # immediate: never a digest
    at(time_machine, 1)
    notify(amina, "event:1")
    at(time_machine, 6, 59)
    assert digest_due_user_ids() == []
    assert send_daily_digests() == 0
    at(time_machine, 7)
    assert digest_due_user_ids() == [amina.pk]
    assert send_daily_digests() == 1  # one chunk, sent eagerly
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["amina@example.org"]
    assert "Talk on objective 9" in mail.text
    assert digest_due_user_ids() == []
    at(time_machine, 8)
    assert send_daily_digests() == 0  # the next tick of the same day sends nothing more
    assert len(smtp_server.messages) == 1
    delivery = DigestDelivery.objects.get()
    assert (delivery.day, delivery.state, delivery.notification_count) == (DAY_ONE.date(), State.SENT, 1)


def test_the_same_users_digest_claimed_twice_is_sent_once(time_machine, smtp_server):
    amina = digest_user()
    at(time_machine, 3)
    notify(amina, "event:1")
    at(time_machine, 7)
    assert digests_send(user_ids=[amina.pk, amina.pk]) == 1
    assert digests_send(user_ids=[amina.pk]) == 0
    assert len(smtp_server.messages) == 1


def test_read_notifications_are_left_out_and_an_empty_digest_is_not_sent(time_machine, smtp_server):
    amina, bo = digest_user(), digest_user()
    at(time_machine, 2)
    read = notify(amina, "event:1", title="Already read")
    notify(amina, "event:2", title="Still unread")
    notification_mark_read(user=amina, notification_id=read.pk)
    bo_only = notify(bo, "event:1", title="Read by Bo")
    notification_mark_read(user=bo, notification_id=bo_only.pk)
    at(time_machine, 7)
    assert digests_send(user_ids=[amina.pk, bo.pk]) == 1
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [amina.email]
    assert "Still unread" in mail.text
    assert "Already read" not in mail.text
    assert DigestDelivery.objects.get(user=bo).state == State.EMPTY  # the day is done for Bo


def test_each_digest_starts_where_the_previous_one_ended(time_machine, smtp_server):
    amina = digest_user()
    at(time_machine, 3)
    notify(amina, "event:1", title="Monday news")
    at(time_machine, 7)
    digests_send(user_ids=[amina.pk])
    at(time_machine, 9)
    notify(amina, "event:2", title="Monday afternoon news")
    at(time_machine, 7, day=1)
    assert digests_send(user_ids=[amina.pk]) == 1
    first, second = smtp_server.messages
    assert "Monday news" in first.text
    assert "Monday afternoon news" in second.text
    assert "* Monday news" not in second.text  # the first one's, not repeated


def test_in_app_only_and_already_emailed_notifications_are_not_in_the_digest(time_machine, smtp_server):
    amina = UserFactory.create()
    at(time_machine, 2)
    notify(amina, "event:1", title="Emailed at once")  # immediate then: an EmailDelivery exists
    assert EmailDelivery.objects.count() == 1
    NotificationPreference.objects.create(user=amina, email=NotificationPreference.Email.DAILY_DIGEST)
    notify(amina, "contact:1", title="Relayed elsewhere", email=False)
    at(time_machine, 7)
    assert digests_send(user_ids=[amina.pk]) == 0
    assert smtp_server.messages == []
    assert DigestDelivery.objects.get().state == State.EMPTY


def test_the_digest_speaks_the_recipients_language_and_unsubscribes_in_one_click(time_machine, smtp_server, client):
    arabic = digest_user(language="ar")
    at(time_machine, 3)
    notify(arabic, "event:1")
    at(time_machine, 7)
    digests_send(user_ids=[arabic.pk])
    [mail] = smtp_server.messages
    html = mail.message.get_body(("html",))
    assert html is not None
    assert '<html lang="ar" dir="rtl">' in html.get_content()
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(mail.message["List-Unsubscribe"]).strip()[1:-1]
    assert link in mail.text
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=arabic).email == NotificationPreference.Email.OFF


def test_a_user_who_switched_back_to_immediate_gets_no_digest(time_machine, smtp_server):
    amina = digest_user()
    at(time_machine, 3)
    notify(amina, "event:1")
    NotificationPreference.objects.filter(user=amina).update(email=NotificationPreference.Email.IMMEDIATE)
    at(time_machine, 7)
    assert digests_send(user_ids=[amina.pk]) == 0
    assert not DigestDelivery.objects.exists()


def test_an_unreachable_server_gives_the_day_back_to_the_next_tick(time_machine, smtp_server, monkeypatch):
    amina = digest_user()
    at(time_machine, 3)
    notify(amina, "event:1")
    at(time_machine, 7)

    def refuse(self):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(EmailBackend, "open", refuse)
    with pytest.raises(ConnectionRefusedError):
        digests_send(user_ids=[amina.pk])
    assert not DigestDelivery.objects.exists()
    monkeypatch.undo()
    at(time_machine, 8)
    assert send_daily_digests() == 1
    assert len(smtp_server.messages) == 1
