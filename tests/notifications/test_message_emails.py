"""Mention and reply emails: held ``NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS``, dropped when the
message was read meanwhile, one email per space for what came within the wait, at most once."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.core.mail.backends.smtp import EmailBackend

from discussions.models import Membership, Space
from discussions.services.posting import message_post
from discussions.services.read_markers import read_mark
from notifications import message_emails
from notifications.message_emails import message_emails_send
from notifications.models import MessageEmail, Notification, NotificationPreference
from notifications.services import notification_mark_read
from notifications.tasks import send_message_emails, sweep_message_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = MessageEmail.State
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
DELAY = 120


@pytest.fixture(autouse=True)
def at_noon(time_machine, settings):
    settings.NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS = DELAY
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 60
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def space(db):
    return Space.objects.create(slug="smuggling-talk", name="Smuggling talk")


@pytest.fixture
def amina(space):
    user = UserFactory.create(username="amina", email="amina@example.org")
    Membership.objects.create(space=space, user=user)
    return user


@pytest.fixture
def bo(space):
    user = UserFactory.create(username="bo", display_name="Bo Chen")
    Membership.objects.create(space=space, user=user)
    return user


def post(space, author, body, capture):
    with capture(execute=True):  # the countdown task runs eagerly now: too early, it sends nothing
        return message_post(slug=space.slug, author=author, body=body).message


def later(at_noon, seconds: float) -> None:
    at_noon.shift(dt.timedelta(seconds=seconds))


def test_nothing_goes_out_before_the_delay_then_one_email(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina what do you think?", django_capture_on_commit_callbacks)
    assert smtp_server.messages == []
    assert MessageEmail.objects.get().due_at == NOON + dt.timedelta(seconds=DELAY)
    later(at_noon, DELAY - 1)
    assert send_message_emails(amina.pk, space.pk) == 0
    later(at_noon, 1)
    assert send_message_emails(amina.pk, space.pk) == 1
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["amina@example.org"]
    assert mail.message["Subject"] == "Bo Chen mentioned you in Smuggling talk"
    assert "@amina what do you think?" in mail.text
    assert "/spaces/smuggling-talk/#m1" in mail.text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(mail.message["List-Unsubscribe"]).strip().startswith("<http")
    assert MessageEmail.objects.get().state == State.SENT
    assert send_message_emails(amina.pk, space.pk) == 0  # again: nothing left
    assert len(smtp_server.messages) == 1


def test_dropped_when_the_space_was_read_past_the_message_meanwhile(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina first", django_capture_on_commit_callbacks)
    post(space, bo, "@amina second", django_capture_on_commit_callbacks)
    later(at_noon, 30)
    read_mark(slug=space.slug, user=amina, seq=1)
    later(at_noon, DELAY)
    assert send_message_emails(amina.pk, space.pk) == 1
    [mail] = smtp_server.messages
    assert "second" in mail.text
    assert "first" not in mail.text
    states = dict(MessageEmail.objects.values_list("seq", "state"))
    assert states == {1: State.DROPPED, 2: State.SENT}


def test_dropped_when_everything_was_read_and_then_no_email_at_all(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina first", django_capture_on_commit_callbacks)
    post(space, bo, "@amina second", django_capture_on_commit_callbacks)
    read_mark(slug=space.slug, user=amina, seq=1)
    notification_mark_read(user=amina, notification_id=Notification.objects.get(body="@amina second").pk)
    later(at_noon, DELAY)
    assert send_message_emails(amina.pk, space.pk) == 0
    assert smtp_server.messages == []
    assert set(MessageEmail.objects.values_list("state", flat=True)) == {State.DROPPED}


def test_one_email_per_space_for_what_came_within_the_wait(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    other = Space.objects.create(slug="returns", name="Returns")
    for user in (amina, bo):
        Membership.objects.create(space=other, user=user)
    post(space, bo, "@amina one", django_capture_on_commit_callbacks)
    later(at_noon, 60)
    post(space, bo, "@amina two", django_capture_on_commit_callbacks)
    post(other, bo, "@amina elsewhere", django_capture_on_commit_callbacks)
    later(at_noon, DELAY - 60)
    # The first one's task: it takes the space's whole batch, the second one not yet due included.
    assert send_message_emails(amina.pk, space.pk) == 2
    later(at_noon, 60)
    assert send_message_emails(amina.pk, space.pk) == 0  # the second one's own task finds nothing
    assert send_message_emails(amina.pk, other.pk) == 1
    grouped, alone = smtp_server.messages
    assert grouped.message["Subject"] == "2 new messages for you in Smuggling talk"
    assert "@amina one" in grouped.text
    assert "@amina two" in grouped.text
    assert "elsewhere" not in grouped.text
    assert alone.message["Subject"] == "Bo Chen mentioned you in Returns"


def test_the_sweep_sends_what_a_lost_task_left_once_it_is_overdue(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina hello", django_capture_on_commit_callbacks)
    later(at_noon, DELAY + 30)
    assert sweep_message_emails() == 0  # due, but its own task may still be on its way
    later(at_noon, 31)
    assert sweep_message_emails() == 1  # eager: the re-enqueued task ran
    assert len(smtp_server.messages) == 1
    assert sweep_message_emails() == 0


def test_two_runs_that_both_saw_the_rows_pending_send_once(
    space, amina, bo, smtp_server, at_noon, monkeypatch, django_capture_on_commit_callbacks
):
    """The race the claim exists for: a redelivered task reads the same pending rows, and the other
    run goes all the way between that read and its claim."""
    post(space, bo, "@amina hello", django_capture_on_commit_callbacks)
    later(at_noon, DELAY)
    raced: list[bool] = []

    def other_run_first() -> uuid.UUID:
        if not raced:
            raced.append(True)
            assert message_emails_send(recipient_id=amina.pk, space_id=space.pk) == 1
        return uuid.uuid4()

    monkeypatch.setattr(message_emails, "uuid", SimpleNamespace(uuid4=other_run_first))
    assert message_emails_send(recipient_id=amina.pk, space_id=space.pk) == 0
    assert raced
    assert len(smtp_server.messages) == 1
    assert MessageEmail.objects.get().state == State.SENT


def test_rows_another_run_claimed_are_never_sent_again_and_the_sweep_flags_them(
    space, amina, bo, smtp_server, at_noon, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS = 900
    post(space, bo, "@amina hello", django_capture_on_commit_callbacks)
    later(at_noon, DELAY)
    MessageEmail.objects.update(state=State.SENDING, claimed_at=NOON + dt.timedelta(seconds=DELAY))  # a worker died
    assert send_message_emails(amina.pk, space.pk) == 0
    later(at_noon, 901)
    assert sweep_message_emails() == 0
    assert MessageEmail.objects.get().state == State.UNCONFIRMED
    assert smtp_server.messages == []


def test_digest_and_off_users_get_no_message_email(space, amina, bo, smtp_server, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=amina, email=NotificationPreference.Email.DAILY_DIGEST)
    carla = UserFactory.create(username="carla")
    Membership.objects.create(space=space, user=carla)
    NotificationPreference.objects.create(user=carla, email=NotificationPreference.Email.OFF)
    post(space, bo, "@amina @carla hello", django_capture_on_commit_callbacks)
    assert Notification.objects.count() == 2
    assert not MessageEmail.objects.exists()


def test_turning_email_off_before_the_delay_drops_it(
    space, amina, bo, smtp_server, at_noon, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina hello", django_capture_on_commit_callbacks)
    NotificationPreference.objects.create(user=amina, email=NotificationPreference.Email.OFF)
    later(at_noon, DELAY)
    assert send_message_emails(amina.pk, space.pk) == 0
    assert smtp_server.messages == []
    assert MessageEmail.objects.get().state == State.DROPPED


def test_an_unreachable_server_puts_the_rows_back_for_the_sweep(
    space, amina, bo, smtp_server, at_noon, monkeypatch, django_capture_on_commit_callbacks
):
    post(space, bo, "@amina hello", django_capture_on_commit_callbacks)
    later(at_noon, DELAY)

    def refuse(self):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(EmailBackend, "open", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_message_emails(amina.pk, space.pk)
    row = MessageEmail.objects.get()
    assert (row.state, row.claim) == (State.PENDING, None)
    monkeypatch.undo()
    assert send_message_emails(amina.pk, space.pk) == 1
