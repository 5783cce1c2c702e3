"""Reminders 24 h and 1 h before start and the nudge to invitees: due from the stored start, sent once."""

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from accounts.models import User
from events import tasks
from events.models import Event, EventNotice, Invitation, Rsvp
from events.reminders import claim_for_users, event_reminders_send, reminder_due
from notifications.models import EmailDelivery, Notification
from tests.factories import UserFactory
from tests.notifications.smtp import SMTPServer, smtp_server  # noqa: F401  (used through ``mailbox``)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(request: pytest.FixtureRequest) -> SMTPServer:
    """The SMTP server (``smtp_server``): Django sends to it, Celery runs tasks eagerly."""
    server: SMTPServer = request.getfixturevalue("smtp_server")
    return server


NoticeKind = EventNotice.Kind
START = datetime(2031, 5, 20, 14, 0, tzinfo=timezone.get_fixed_timezone(0))
H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def organizer() -> User:
    return UserFactory.create(is_staff=True)


def make_event(organizer: User, *, starts_at: datetime = START, **fields: Any) -> Event:
    defaults: dict[str, Any] = {
        "title": "Skills partnerships webinar",
        "kind": Event.Kind.WEBINAR,
        "objectives": ["18"],
        "starts_at": starts_at,
        "ends_at": starts_at + 2 * H,
        "timezone": "Europe/Zurich",
        "organizer": organizer,
        "status": Event.Status.PUBLISHED,
        "published_at": starts_at - timedelta(days=30),
    }
    return Event.objects.create(**{**defaults, **fields})


def attend(event: Event, response: str = "yes") -> User:
    user = UserFactory.create()
    Rsvp.objects.create(event=event, user=user, response=response)
    return user


def reminded(event: Event) -> list[tuple[int, str]]:
    """(recipient, source kind) of every reminder notification of ``event``, sorted."""
    rows = Notification.objects.filter(
        kind=Notification.Kind.EVENT_REMINDER, source_key__startswith=f"event:{event.pk}:"
    )
    return sorted((recipient, key.split(":")[2]) for recipient, key in rows.values_list("recipient_id", "source_key"))


def run(now: datetime, capture: Any) -> int:
    with capture(execute=True):
        return event_reminders_send(now=now).total


# --- When a reminder is due -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before_start", "due"),
    [
        (timedelta(days=2), None),
        (24 * H + M, None),
        (24 * H, NoticeKind.REMINDER_24H),
        (23 * H, NoticeKind.REMINDER_24H),
        (H + M, NoticeKind.REMINDER_24H),
        (H, NoticeKind.REMINDER_1H),  # the 24-hour one is no longer sent once the 1-hour one is due
        (M, NoticeKind.REMINDER_1H),
        (timedelta(0), None),  # started
        (-H, None),
    ],
)
def test_which_reminder_is_due(before_start, due):
    assert reminder_due(START, START - before_start) == due


# --- Reminders ---------------------------------------------------------------------------------------


def test_each_yes_attendee_gets_the_24_hour_reminder_once_across_ticks(
    organizer, mailbox, django_capture_on_commit_callbacks
):
    event = make_event(organizer)
    yes = [attend(event) for _index in range(3)]
    attend(event, "maybe")
    attend(event, "no")
    assert run(START - 23 * H, django_capture_on_commit_callbacks) == 3
    assert run(START - 23 * H + M, django_capture_on_commit_callbacks) == 0  # the next tick
    assert run(START - 20 * H, django_capture_on_commit_callbacks) == 0
    assert reminded(event) == sorted((user.pk, "reminder_24h") for user in yes)
    assert sorted(rcpt for mail in mailbox.messages for rcpt in mail.rcpt_tos) == sorted(u.email for u in yes)
    notification = Notification.objects.filter(recipient=yes[0]).get()
    assert notification.title == "Tomorrow: Skills partnerships webinar"
    assert "2031-05-20 16:00 (Europe/Zurich)" in notification.body  # the event's own clock
    assert notification.url == f"/events/{event.pk}/"


def test_the_one_hour_reminder_follows_once(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    yes = attend(event)
    run(START - 23 * H, django_capture_on_commit_callbacks)
    assert run(START - 59 * M, django_capture_on_commit_callbacks) == 1
    assert run(START - 30 * M, django_capture_on_commit_callbacks) == 0
    assert reminded(event) == [(yes.pk, "reminder_1h"), (yes.pk, "reminder_24h")]
    assert (
        Notification.objects.get(source_key__contains="reminder_1h").title == "In one hour: Skills partnerships webinar"
    )


def test_missed_ticks_still_send_what_is_due_before_the_start(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    yes = attend(event)
    # Beat was down from two days before until 2 h before: the 24-hour reminder is still due.
    assert run(START - 2 * H, django_capture_on_commit_callbacks) == 1
    assert reminded(event) == [(yes.pk, "reminder_24h")]


def test_only_the_one_hour_reminder_when_both_windows_were_missed(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    yes = attend(event)
    assert run(START - 10 * M, django_capture_on_commit_callbacks) == 1
    assert run(START - 5 * M, django_capture_on_commit_callbacks) == 0
    assert reminded(event) == [(yes.pk, "reminder_1h")]


def test_nothing_once_the_event_has_started(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    attend(event)
    assert run(START, django_capture_on_commit_callbacks) == 0
    assert run(START + M, django_capture_on_commit_callbacks) == 0
    assert reminded(event) == []


def test_drafts_and_cancelled_events_get_no_reminders(organizer, django_capture_on_commit_callbacks):
    draft = make_event(organizer, status=Event.Status.DRAFT, published_at=None)
    cancelled = make_event(organizer, status=Event.Status.CANCELLED)
    attend(draft)
    attend(cancelled)
    assert run(START - 30 * M, django_capture_on_commit_callbacks) == 0


def test_a_moved_event_re_arms_its_reminders_and_the_old_time_is_not_due(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    yes = attend(event)
    run(START - 23 * H, django_capture_on_commit_callbacks)
    later = START + timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(starts_at=later, ends_at=later + 2 * H)
    # At the old start's one-hour mark nothing is due: the event is now three days later.
    assert run(START - 30 * M, django_capture_on_commit_callbacks) == 0
    assert run(later - 23 * H, django_capture_on_commit_callbacks) == 1
    assert run(later - 30 * M, django_capture_on_commit_callbacks) == 1
    assert [kind for _user, kind in reminded(event)] == ["reminder_1h", "reminder_24h", "reminder_24h"]
    assert EventNotice.objects.filter(user=yes).count() == 3


def test_an_event_moved_into_the_past_gets_nothing(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    attend(event)
    earlier = START - timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=earlier, ends_at=earlier + 2 * H)
    assert run(START - 23 * H, django_capture_on_commit_callbacks) == 0


def test_the_beat_task_uses_the_present(organizer, django_capture_on_commit_callbacks):
    soon = timezone.now() + 30 * M
    event = make_event(organizer, starts_at=soon)
    yes = attend(event)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_event_reminders() == 1
        assert tasks.send_event_reminders() == 0
    assert reminded(event) == [(yes.pk, "reminder_1h")]


# --- Nudges ------------------------------------------------------------------------------------------


def invite(event: Event, user: User | None = None, *, email: str = "", **fields: Any) -> Invitation:
    invitation = Invitation.objects.create(
        event=event, user=user, email=email or (user.email if user else ""), invited_by=event.organizer, **fields
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=event.starts_at - timedelta(days=5))
    return invitation


def test_invitees_who_have_not_answered_are_nudged_once(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer)
    silent = UserFactory.create()
    invite(event, silent)
    answered = UserFactory.create()
    invite(event, answered, response="no")
    rsvped = UserFactory.create()  # answered on the event's page instead
    invite(event, rsvped)
    Rsvp.objects.create(event=event, user=rsvped, response="yes")
    late = UserFactory.create()
    invited_late = Invitation.objects.create(event=event, user=late, email=late.email, invited_by=organizer)
    Invitation.objects.filter(pk=invited_late.pk).update(created_at=START - 23 * H - 30 * M)  # after the mark
    assert run(START - 23 * H, django_capture_on_commit_callbacks) == 2  # the nudge, the RSVP's 24 h reminder
    assert run(START - 50 * M, django_capture_on_commit_callbacks) == 1  # the 1 h reminder only
    nudges = Notification.objects.filter(source_key__contains=":nudge:")
    assert list(nudges.values_list("recipient_id", flat=True)) == [silent.pk]
    assert nudges.get().title == "Will you come? Skills partnerships webinar"


def test_an_address_without_an_account_gets_its_invitation_again_once(
    organizer, mailbox, django_capture_on_commit_callbacks
):
    event = make_event(organizer)
    invite(event, email="guest@partner.example", email_state=Invitation.EmailState.SENT)
    invite(event, email="never-sent@partner.example", email_state=Invitation.EmailState.FAILED)
    invite(event, email="declined@partner.example", email_state=Invitation.EmailState.SENT, response="no")
    assert run(START - 23 * H, django_capture_on_commit_callbacks) == 1
    assert run(START - 22 * H, django_capture_on_commit_callbacks) == 0
    [mail] = mailbox.messages
    assert mail.rcpt_tos == ["guest@partner.example"]
    assert "List-Unsubscribe" in mail.message
    attachments = [part.get_filename() for part in mail.message.iter_attachments()]
    assert "invite.ics" in attachments
    assert EventNotice.objects.filter(email="guest@partner.example", user=None, kind="nudge").count() == 1


# --- The claim ---------------------------------------------------------------------------------------


def test_the_claim_returns_only_the_rows_it_inserted(organizer):
    event = make_event(organizer)
    first, second = attend(event), attend(event)
    everyone = User.objects.filter(pk__in=[first.pk, second.pk]).values("pk")
    with transaction.atomic():
        assert claim_for_users(event, NoticeKind.REMINDER_24H, User.objects.filter(pk=first.pk).values("pk")) == [
            first.pk
        ]
        assert claim_for_users(event, NoticeKind.REMINDER_24H, everyone) == [second.pk]
        assert claim_for_users(event, NoticeKind.REMINDER_24H, everyone) == []
        assert claim_for_users(event, NoticeKind.REMINDER_1H, everyone) == sorted([first.pk, second.pk])
    notice = EventNotice.objects.filter(user=first, kind=NoticeKind.REMINDER_24H).get()
    assert notice.starts_at == START
    assert notice.email == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_tell_each_attendee_once(organizer):
    event = make_event(organizer)
    attendees = [attend(event) for _index in range(40)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    told: list[int] = []

    def tick() -> None:
        try:
            barrier.wait()
            told.append(event_reminders_send(now=START - 23 * H).total)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=tick) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(told) == 40  # the claims split the attendees between the runs
    assert reminded(event) == sorted((user.pk, "reminder_24h") for user in attendees)
    assert EmailDelivery.objects.count() == 40
