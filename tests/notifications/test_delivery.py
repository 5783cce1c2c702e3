"""Notification emails over real SMTP: headers, language, one send per row whatever runs twice or dies."""

import datetime as dt
import smtplib
from urllib.parse import urlsplit

import pytest
from django.test import Client

from notifications import delivery
from notifications.delivery import email_deliveries_send, email_deliveries_sweep
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services import notification_create
from notifications.tasks import send_notification_emails, sweep_notification_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = EmailDelivery.State
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def notify(recipient, *, key: str = "contact:1", **kwargs) -> Notification:
    kwargs.setdefault("kind", Notification.Kind.CONTACT_REQUEST)
    kwargs.setdefault("title", "Bo wrote to you")
    notification = notification_create(recipient=recipient, source_key=key, **kwargs)
    assert notification is not None
    return notification


def delivery_ids() -> list[int]:
    return list(EmailDelivery.objects.order_by("pk").values_list("pk", flat=True))


def test_email_goes_over_smtp_with_link_and_one_click_unsubscribe(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://hub.example.org"
    settings.DEFAULT_FROM_EMAIL = "Hub <hub@hub.example.org>"
    amina = UserFactory.create(email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(amina, title="Bo wrote to you", body="About visas", url="/experts/7/")
    [mail] = smtp_server.messages
    assert mail.mail_from == "hub@hub.example.org"
    assert mail.rcpt_tos == ["amina@example.org"]
    assert mail.message["Subject"] == "Bo wrote to you"
    unsubscribe = str(mail.message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://hub.example.org/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "About visas" in mail.text
    assert "https://hub.example.org/experts/7/" in mail.text
    assert unsubscribe[1:-1] in mail.text  # the same link in the body
    html = mail.message.get_body(("html",))
    assert html is not None and unsubscribe[1:-1] in html.get_content()


def test_the_unsubscribe_link_in_the_email_works_with_one_post_and_no_cookie(
    smtp_server, django_capture_on_commit_callbacks
):
    amina = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        notify(amina)
    [mail] = smtp_server.messages
    path = urlsplit(str(mail.message["List-Unsubscribe"]).strip()[1:-1]).path
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=amina).email == NotificationPreference.Email.OFF


def test_email_speaks_the_recipients_language(smtp_server, django_capture_on_commit_callbacks):
    arabic = UserFactory.create(language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        notify(arabic)
    [mail] = smtp_server.messages
    html = mail.message.get_body(("html",))
    assert html is not None
    assert '<html lang="ar" dir="rtl">' in html.get_content()


def test_running_the_task_twice_sends_one_email(smtp_server):
    notify(UserFactory.create())  # no on-commit run here: the task is called by hand below
    [delivery_id] = delivery_ids()
    assert send_notification_emails([delivery_id]) == 1
    assert send_notification_emails([delivery_id]) == 0
    assert len(smtp_server.messages) == 1
    delivery = EmailDelivery.objects.get()
    assert delivery.state == State.SENT
    assert delivery.claimed_at is not None
    assert delivery.sent_at is not None


def test_two_runs_that_both_saw_the_row_pending_send_it_once(smtp_server, monkeypatch):
    """The race the claim exists for: a second run (a redelivered task) reads the same pending row
    and sends it while the first is between reading and claiming."""
    notify(UserFactory.create())
    [delivery_id] = delivery_ids()
    build = delivery._Messages.prepared
    raced: list[bool] = []

    def build_then_let_the_other_run_go_first(outbox, row):
        message = build(outbox, row)
        if not raced:
            raced.append(True)
            assert email_deliveries_send(delivery_ids=[delivery_id]) == 1  # the other run, all the way
        return message

    monkeypatch.setattr(delivery._Messages, "prepared", build_then_let_the_other_run_go_first)
    assert email_deliveries_send(delivery_ids=[delivery_id]) == 0
    assert len(smtp_server.messages) == 1
    assert EmailDelivery.objects.get().state == State.SENT


def test_a_row_another_run_has_claimed_is_not_sent_again(smtp_server):
    notify(UserFactory.create())
    EmailDelivery.objects.update(state=State.SENDING)  # another worker is on it (or died on it)
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 0
    assert smtp_server.messages == []
    assert EmailDelivery.objects.get().state == State.SENDING


def test_a_chunk_goes_over_one_smtp_connection(smtp_server, settings):
    settings.NOTIFICATION_EMAIL_CHUNK = 2
    for n in range(5):
        notify(UserFactory.create(), key=f"contact:{n}")
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 5
    assert len(smtp_server.messages) == 5
    assert smtp_server.sessions == 3  # chunks of 2, 2 and 1
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_an_unreachable_mail_server_leaves_the_row_pending_for_the_sweep(smtp_server, settings):
    notify(UserFactory.create())
    settings.EMAIL_PORT = _closed_port()
    with pytest.raises(OSError):
        email_deliveries_send(delivery_ids=delivery_ids())
    assert EmailDelivery.objects.get().state == State.PENDING
    settings.EMAIL_PORT = smtp_server.port
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 1
    assert len(smtp_server.messages) == 1


def test_a_refused_recipient_fails_the_row_and_is_not_retried(smtp_server):
    notify(UserFactory.create())
    smtp_server.refuse_recipients_with = "550 No such user here"
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 0
    delivery = EmailDelivery.objects.get()
    assert delivery.state == State.FAILED
    assert "No such user" in delivery.error
    smtp_server.refuse_recipients_with = None
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 0
    assert smtp_server.messages == []


def test_a_connection_lost_mid_message_is_never_resent_but_the_rest_of_the_chunk_is(
    smtp_server, monkeypatch, time_machine
):
    time_machine.move_to(NOON, tick=False)
    for n in range(3):
        notify(UserFactory.create(), key=f"contact:{n}")
    first, second, third = delivery_ids()
    real_send = smtplib.SMTP.sendmail
    second_address = EmailDelivery.objects.get(pk=second).notification.recipient.email

    def drop_on_second(self, from_addr, to_addrs, msg, *args, **kwargs):
        if to_addrs == [second_address]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, from_addr, to_addrs, msg, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", drop_on_second)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_deliveries_send(delivery_ids=[first, second, third])
    states = dict(EmailDelivery.objects.values_list("pk", "state"))
    assert states == {first: State.SENT, second: State.SENDING, third: State.PENDING}

    monkeypatch.setattr(smtplib.SMTP, "sendmail", real_send)
    time_machine.shift(dt.timedelta(minutes=2))
    assert email_deliveries_sweep() == [[third]]  # the untried one comes back; the one in doubt does not
    assert email_deliveries_send(delivery_ids=[first, second, third]) == 1
    assert len(smtp_server.messages) == 2


def test_a_row_stuck_in_sending_is_marked_unconfirmed_after_the_timeout_and_logged(
    smtp_server, settings, time_machine, caplog
):
    time_machine.move_to(NOON, tick=False)
    notify(UserFactory.create())
    EmailDelivery.objects.update(state=State.SENDING, claimed_at=NOON)  # the worker died while sending
    time_machine.shift(dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS - 1))
    assert email_deliveries_sweep() == []
    assert EmailDelivery.objects.get().state == State.SENDING
    time_machine.shift(dt.timedelta(seconds=2))
    assert email_deliveries_sweep() == []
    assert EmailDelivery.objects.get().state == State.UNCONFIRMED
    assert "unconfirmed" in caplog.text
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 0
    assert smtp_server.messages == []


def test_the_sweep_resends_pending_rows_older_than_a_minute_in_chunks(smtp_server, settings, time_machine):
    settings.NOTIFICATION_EMAIL_CHUNK = 2
    time_machine.move_to(NOON, tick=False)
    for n in range(3):  # the broker was down when these committed: no task ran
        notify(UserFactory.create(), key=f"contact:{n}")
    time_machine.shift(dt.timedelta(seconds=30))
    notify(UserFactory.create(), key="contact:late")
    time_machine.shift(dt.timedelta(seconds=31))
    assert sweep_notification_emails() == 2  # the three older ones, in chunks of two (eager here)
    assert len(smtp_server.messages) == 3
    assert EmailDelivery.objects.filter(state=State.PENDING).count() == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket closes


def test_a_chunk_renders_once_per_language_and_sends_the_same_messages(smtp_server, monkeypatch):
    """The shared rendering of a chunk (``emails.renderings_shared``) sends exactly what rendering
    each message alone would: it fails if a template starts using something of the recipient."""
    from django.template.loader import render_to_string

    from notifications import emails

    users = [UserFactory.create(language=code) for code in ("fr", "fr", "en")]
    for user in users:
        notify(user, key="contact:1")
    unshared = {
        delivery.notification.recipient.email: emails.notification_email(delivery.notification).message()
        for delivery in EmailDelivery.objects.select_related("notification__recipient")
    }
    rendered: list[str] = []
    real = render_to_string  # what notifications.emails calls

    def counted(*args, **kwargs):
        rendered.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(emails, "render_to_string", counted)
    assert email_deliveries_send(delivery_ids=delivery_ids()) == 3
    assert len(rendered) == 4  # two templates, two languages
    for mail in smtp_server.messages:
        expected = unshared[mail.rcpt_tos[0]]
        plain = next(part for part in expected.walk() if part.get_content_type() == "text/plain")
        payload = plain.get_payload(decode=True)
        assert isinstance(payload, bytes)
        sent_alone = payload.decode()
        assert mail.text.replace("\r\n", "\n") == sent_alone.replace("\r\n", "\n")  # SMTP's line ends
        assert str(mail.message["List-Unsubscribe"]).strip() == expected["List-Unsubscribe"]
