"""Announcements: publishing tells each subscriber once, after commit, in a task; changes tell attendees."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from events import tasks
from events.models import Event, Rsvp
from events.services import announcements
from events.services.announcements import event_announce, owed_announcements, subscribers_of
from events.services.events import event_cancel, event_publish, event_update
from notifications.models import EmailDelivery, Notification, NotificationPreference, Subscription
from tests.factories import UserFactory
from tests.notifications.smtp import SMTPServer, smtp_server  # noqa: F401  (used through ``mailbox``)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(request: pytest.FixtureRequest) -> SMTPServer:
    """The SMTP server (``smtp_server``): Django sends to it, Celery runs tasks eagerly."""
    server: SMTPServer = request.getfixturevalue("smtp_server")
    return server


Kind = Notification.Kind


def make_event(organizer: User, **fields: Any) -> Event:
    starts = fields.pop("starts_at", timezone.now() + timedelta(days=10))
    defaults: dict[str, Any] = {
        "title": "Fair recruitment in practice",
        "kind": Event.Kind.TRAINING,
        "objectives": ["6"],
        "regions": ["africa"],
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "timezone": "Africa/Nairobi",
        "location": "Nairobi",
        "organizer": organizer,
    }
    return Event.objects.create(**{**defaults, **fields})


def subscribe(user: User | None = None, *, objectives=(), regions=(), kinds=(), **user_fields: Any) -> User:
    user = user or UserFactory.create(**user_fields)
    Subscription.objects.create(user=user, objectives=list(objectives), regions=list(regions), kinds=list(kinds))
    return user


@pytest.fixture
def organizer() -> User:
    return UserFactory.create(is_staff=True)


def announced_to(event: Event) -> set[int]:
    return set(
        Notification.objects.filter(kind=Kind.EVENT_ANNOUNCEMENT, source_key=f"event:{event.pk}:announce").values_list(
            "recipient_id", flat=True
        )
    )


# --- Who is told ------------------------------------------------------------------------------------


def test_subscribers_of_one_of_the_objectives_or_regions_for_its_kind_are_chosen(organizer):
    event = make_event(organizer, objectives=["6", "9"], regions=["africa"], kind=Event.Kind.TRAINING)
    by_objective = subscribe(objectives=["9"])
    by_region = subscribe(regions=["africa"])
    by_both = subscribe(objectives=["6"], regions=["africa"])
    for_trainings = subscribe(objectives=["6"], kinds=["training", "talk"])
    for_talks_only = subscribe(objectives=["6"], kinds=["talk"])
    other_tags = subscribe(objectives=["1"], regions=["europe"])
    subscribe(organizer, objectives=["6"])  # the organizer published it
    inactive = subscribe(objectives=["6"], is_active=False)
    UserFactory.create()  # no subscription at all
    chosen = set(subscribers_of(event).values_list("user_id", flat=True))
    assert chosen == {by_objective.pk, by_region.pk, by_both.pk, for_trainings.pk}
    assert not chosen & {for_talks_only.pk, other_tags.pk, organizer.pk, inactive.pk}


def test_subscribers_are_read_in_one_query(organizer):
    event = make_event(organizer)
    for _index in range(5):
        subscribe(objectives=["6"])
    with CaptureQueriesContext(connection) as queries:
        assert len(list(subscribers_of(event).values_list("user_id", flat=True))) == 5
    assert len(queries) == 1


# --- Publishing ----------------------------------------------------------------------------------


def test_publishing_tells_each_subscriber_once_by_notification_and_email(
    organizer, mailbox, django_capture_on_commit_callbacks
):
    subscribers = [subscribe(objectives=["6"]) for _index in range(3)]
    french = subscribe(regions=["africa"], language="fr")
    digest = subscribe(objectives=["6"])
    NotificationPreference.objects.create(user=digest, email=NotificationPreference.Email.DAILY_DIGEST)
    outsider = subscribe(objectives=["1"])
    event = make_event(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(event, by=organizer)
    told = {user.pk for user in [*subscribers, french, digest]}
    assert announced_to(event) == told
    assert outsider.pk not in announced_to(event)
    mailed = sorted(rcpt for mail in mailbox.messages for rcpt in mail.rcpt_tos)
    assert mailed == sorted(user.email for user in [*subscribers, french])  # the digest reader waits
    event.refresh_from_db()
    assert event.announced_at is not None
    notification = Notification.objects.get(recipient=subscribers[0], kind=Kind.EVENT_ANNOUNCEMENT)
    assert notification.title == "Training: Fair recruitment in practice"
    assert notification.url == f"/events/{event.pk}/"
    assert "(Africa/Nairobi)" in notification.body
    assert "Nairobi" in notification.body


def test_the_publishing_transaction_only_queues_the_task(organizer, django_capture_on_commit_callbacks, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.announce_event, "delay", lambda event_id: queued.append(event_id))
    event = make_event(organizer)
    few = make_event(organizer)
    subscribe(objectives=["6"])
    with CaptureQueriesContext(connection) as small, django_capture_on_commit_callbacks(execute=True):
        event_publish(few, by=organizer)
    for _index in range(30):
        subscribe(objectives=["6"])
    with CaptureQueriesContext(connection) as large, django_capture_on_commit_callbacks(execute=True):
        event_publish(event, by=organizer)
    assert queued == [few.pk, event.pk]
    assert len(large) == len(small)  # nothing per subscriber in the request
    assert not Notification.objects.exists()


def test_a_rolled_back_publication_queues_nothing(organizer, django_capture_on_commit_callbacks, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.announce_event, "delay", lambda event_id: queued.append(event_id))
    subscribe(objectives=["6"])
    event = make_event(organizer)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_publish(event, by=organizer)
        transaction.set_rollback(True)
    assert queued == []
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert not Notification.objects.exists()


def test_announcing_twice_tells_no_one_twice(organizer, mailbox, django_capture_on_commit_callbacks):
    subscribers = [subscribe(objectives=["6"]) for _index in range(3)]
    event = make_event(organizer, status=Event.Status.PUBLISHED, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert event_announce(event_id=event.pk) == 3
    Event.objects.filter(pk=event.pk).update(announced_at=None)  # as if the first run died before marking it
    late = subscribe(objectives=["6"])
    with django_capture_on_commit_callbacks(execute=True):
        assert event_announce(event_id=event.pk) == 1
    assert announced_to(event) == {user.pk for user in [*subscribers, late]}
    assert len(mailbox.messages) == 4
    assert event_announce(event_id=event.pk) == 0  # announced: nothing read, nothing told


def test_batches_tell_everyone_and_email_starts_per_batch(
    organizer, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_ANNOUNCE_BATCH = 2
    settings.NOTIFICATION_EMAIL_CHUNK = 2
    subscribers = [subscribe(objectives=["6"]) for _index in range(5)]
    event = make_event(organizer, status=Event.Status.PUBLISHED, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert event_announce(event_id=event.pk) == 5
    assert len(callbacks) == 3 * 2  # per batch: its emails, its live push
    assert announced_to(event) == {user.pk for user in subscribers}
    assert len(mailbox.messages) == 5
    assert mailbox.sessions == 3  # one connection per chunk: 2 + 2 + 1


def test_an_event_no_longer_published_is_not_announced(organizer):
    subscribe(objectives=["6"])
    event = make_event(organizer, status=Event.Status.CANCELLED, published_at=timezone.now())
    assert event_announce(event_id=event.pk) == 0
    assert not Notification.objects.exists()


def test_an_event_over_before_the_task_ran_is_marked_announced_without_telling_anyone(organizer):
    subscribe(objectives=["6"])
    past = timezone.now() - timedelta(days=2)
    event = make_event(organizer, starts_at=past, status=Event.Status.PUBLISHED, published_at=past)
    assert event_announce(event_id=event.pk) == 0
    event.refresh_from_db()
    assert event.announced_at is not None
    assert not Notification.objects.exists()


# --- The broker down at commit: the sweep --------------------------------------------------------


def test_broker_down_at_commit_leaves_the_announcement_owed_and_the_sweep_sends_it(
    organizer, mailbox, settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    settings.EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS = 60
    subscriber = subscribe(objectives=["6"])
    event = make_event(organizer)
    real_delay = tasks.announce_event.delay

    def broker_down(*args: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.announce_event, "delay", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        published = event_publish(event, by=organizer)  # the request still succeeds
    assert published.status == Event.Status.PUBLISHED
    assert not Notification.objects.exists()
    assert owed_announcements() == []  # too fresh for the sweep: the normal path may still run
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now() - timedelta(seconds=61))
    assert owed_announcements() == [event.pk]

    monkeypatch.setattr(tasks.announce_event, "delay", real_delay)  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_event_announcements() == 1
    assert announced_to(event) == {subscriber.pk}
    assert [mail.rcpt_tos for mail in mailbox.messages] == [[subscriber.email]]
    assert owed_announcements() == []
    assert tasks.sweep_event_announcements() == 0


def test_the_sweep_leaves_announced_cancelled_and_draft_events_alone(organizer, settings):
    settings.EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS = 0
    long_ago = timezone.now() - timedelta(hours=1)
    owed = make_event(organizer, status=Event.Status.PUBLISHED, published_at=long_ago)
    make_event(organizer, status=Event.Status.PUBLISHED, published_at=long_ago, announced_at=long_ago)
    make_event(organizer, status=Event.Status.CANCELLED, published_at=long_ago)
    make_event(organizer)
    assert owed_announcements() == [owed.pk]


# --- Changes told to attendees -----------------------------------------------------------------


def answer(event: Event, response: str, **user_fields: Any) -> User:
    user = UserFactory.create(**user_fields)
    Rsvp.objects.create(event=event, user=user, response=response)
    return user


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_moving_a_published_event_tells_yes_and_maybe_once_per_move(
    organizer, mailbox, django_capture_on_commit_callbacks
):
    event = make_event(organizer, status=Event.Status.PUBLISHED, published_at=timezone.now())
    yes, maybe = answer(event, "yes"), answer(event, "maybe")
    answer(event, "no")
    Rsvp.objects.create(event=event, user=organizer, response="yes")
    new_start = event.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=organizer, changes={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)})
    assert told(Kind.EVENT_UPDATED) == {yes.pk, maybe.pk}
    assert len(mailbox.messages) == 2
    notification = Notification.objects.filter(kind=Kind.EVENT_UPDATED).first()
    assert notification is not None
    assert notification.title == "New time for Fair recruitment in practice"
    # The same change reported again (a retry) tells no one twice; the next move tells them again.
    event.refresh_from_db()
    with transaction.atomic():
        assert announcements.event_time_changed_on_commit(event, new_start - timedelta(days=1)) == 0
    later = new_start + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event, by=organizer, changes={"starts_at": later, "ends_at": later + timedelta(hours=2)})
    assert Notification.objects.filter(kind=Kind.EVENT_UPDATED).count() == 4


def test_a_rolled_back_move_tells_no_one(organizer, django_capture_on_commit_callbacks):
    event = make_event(organizer, status=Event.Status.PUBLISHED, published_at=timezone.now())
    answer(event, "yes")
    new_start = event.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        event_update(event, by=organizer, changes={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)})
        transaction.set_rollback(True)
    assert not callbacks
    assert not Notification.objects.exists()


def test_cancelling_tells_yes_and_maybe_once(organizer, mailbox, django_capture_on_commit_callbacks):
    event = make_event(organizer, status=Event.Status.PUBLISHED, published_at=timezone.now())
    yes, maybe = answer(event, "yes"), answer(event, "maybe")
    answer(event, "no")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event, by=organizer)
    assert told(Kind.EVENT_CANCELLED) == {yes.pk, maybe.pk}
    assert sorted(rcpt for mail in mailbox.messages for rcpt in mail.rcpt_tos) == sorted([yes.email, maybe.email])
    event.refresh_from_db()
    with transaction.atomic():
        assert announcements.event_cancelled_on_commit(event) == 0
    assert Notification.objects.filter(kind=Kind.EVENT_CANCELLED).count() == 2
    assert Notification.objects.get(recipient=yes).title == "Cancelled: Fair recruitment in practice"
    assert not EmailDelivery.objects.exclude(state="sent").exists()
