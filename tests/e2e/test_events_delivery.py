"""Announcements and reminders delivered by a real Celery worker on real Redis to a real SMTP server.

Every test starts its own worker process (``tests.e2e.processes``; the test's database and Redis
database) and sends to an aiosmtpd server in the test process (``sink``), which can hold a
message until the test lets it go, so that a worker can be killed at a known point. The beat
tasks are sent to the worker as beat would send them; time is moved by moving the event's start,
not the clock. Each test reads its outcome from the database and from the server's mailbox, and
waits for a later effect (never for a fixed time) before saying that something did not happen.
"""

import asyncio
import email
import email.policy
import json
import signal
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import token_for
from events.models import Event, EventNotice, Rsvp
from events.services.events import event_publish
from events.tasks import send_event_reminders, sweep_event_announcements
from notifications.models import EmailDelivery, Notification, Subscription
from notifications.tasks import sweep_notification_emails
from tests.conftest import free_port
from tests.e2e.processes import services_env, start_redis, start_uvicorn, start_worker, stop, wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

ANNOUNCEMENT = Notification.Kind.EVENT_ANNOUNCEMENT
WAIT = 60  # seconds: generous for a loaded machine; each wait ends as soon as its condition holds


# --- The SMTP server ----------------------------------------------------------------------------


@dataclass
class Sink:
    """A real SMTP server on a spare loopback port, recording every message it accepts.

    With ``hold_at`` = k, the k-th message is recorded (it has arrived: the client sent all of
    it) and its ``250`` answer is held back until ``release`` is set, with ``holding`` set
    meanwhile: a worker killed then dies in the middle of its chunk, between the message arriving
    and the worker hearing so. With ``hold_from`` = k, every message from the k-th on is held so
    (``held`` counts them): each SMTP connection of a chunk sent over several stops at its next one.
    """

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    hold_at: int | None = None
    hold_from: int | None = None
    held: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def recipients(self) -> Counter[str]:
        with self._lock:
            return Counter(str(message["To"]) for message in self.messages)

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def subjects(self, address: str) -> list[str]:
        with self._lock:
            return sorted(str(m["Subject"]) for m in self.messages if str(m["To"]) == address)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            number = len(self.messages)
        if number == self.hold_at or (self.hold_from is not None and number >= self.hold_from):
            with self._lock:
                self.held += 1
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
        return "250 Message accepted for delivery"


@pytest.fixture
def sink() -> Iterator[Sink]:
    state = Sink(host="127.0.0.1", port=free_port())
    controller = Controller(state, hostname=state.host, port=state.port)
    controller.start()
    try:
        yield state
    finally:
        state.release.set()
        controller.stop()


# --- Processes ------------------------------------------------------------------------------------


def hub_env(sink: Sink, **overrides: str) -> dict[str, str]:
    """The worker's (and server's) settings: the test's database and Redis, email to ``sink``, and
    sweeps that take anything owed at once (the tests send the beat ticks themselves)."""
    return services_env(
        EMAIL_HOST=sink.host,
        EMAIL_PORT=str(sink.port),
        NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS="0",
        EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS="0",
        **overrides,
    )


class Worker:
    """One Celery worker process; ``restart`` starts a new one with the same settings."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process = start_worker(env, log)

    def kill(self) -> None:
        stop(self.process, signal.SIGKILL)

    def restart(self) -> None:
        stop(self.process)
        self.process = start_worker(self.env, self.log)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@pytest.fixture
def worker_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[Worker] = []

    def start(env: dict[str, str]) -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        stop(worker.process)


# --- Data -------------------------------------------------------------------------------------------


def organizer() -> User:
    return UserFactory.create(is_staff=True)


def subscribers(count: int, **subscription: Any) -> list[User]:
    users = UserFactory.create_batch(count)
    Subscription.objects.bulk_create(
        [Subscription(user=user, objectives=subscription.get("objectives", ["9"]), regions=[]) for user in users]
    )
    return users


def draft_event(by: User, *, starts_in: timedelta = timedelta(days=7), **fields: Any) -> Event:
    starts = timezone.now() + starts_in
    defaults: dict[str, Any] = {
        "title": "Objective 9 training",
        "kind": Event.Kind.TRAINING,
        "objectives": ["9"],
        "regions": [],
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "organizer": by,
    }
    return Event.objects.create(**{**defaults, **fields})


def announced(event: Event) -> Counter[int]:
    return Counter(
        Notification.objects.filter(kind=ANNOUNCEMENT, source_key=f"event:{event.pk}:announce").values_list(
            "recipient_id", flat=True
        )
    )


def publish_over_http(port: int, event: Event, by: User) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/events/{event.pk}/publish/",
        method="POST",
        headers={"Authorization": f"Token {token_for(by)}", "Accept": "application/json"},
        data=b"",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test server on loopback)
        assert json.loads(response.read())["status"] == "published"
        return int(response.status)


def mailed_once_each(sink: Sink, users: list[User]) -> bool:
    return sink.recipients() == Counter({user.email: 1 for user in users})


# --- Tests ------------------------------------------------------------------------------------------


def test_publishing_gives_every_subscriber_one_notification_and_one_email(tmp_path, sink, worker_factory):
    env = hub_env(sink, NOTIFICATION_EMAIL_CHUNK="7", EVENT_ANNOUNCE_BATCH="10")
    worker = worker_factory(env)
    server, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    try:
        by = organizer()
        followers = subscribers(25)
        others = subscribers(3, objectives=["1"])
        event = draft_event(by)
        assert publish_over_http(port, event, by) == 200
        assert wait_until(lambda: sink.count() >= 25, timeout=WAIT), worker.tail()
        assert wait_until(lambda: Event.objects.get(pk=event.pk).announced_at is not None, timeout=WAIT)
        # Beat's sweeps run (anything owed would go now), and a later announcement arrives after
        # them: only then is "nothing more came" a fact.
        sweep_event_announcements.delay()
        sweep_notification_emails.delay()
        later = draft_event(by, title="Objective 9 webinar")
        assert publish_over_http(port, later, by) == 200
        assert wait_until(lambda: sink.count() >= 50, timeout=WAIT), worker.tail()
    finally:
        stop(server)
    assert announced(event) == Counter({user.pk: 1 for user in followers})
    assert not set(announced(event)) & {user.pk for user in others}
    assert sink.recipients() == Counter({user.email: 2 for user in followers})
    assert {subject for user in followers for subject in sink.subjects(user.email)} == {
        "Training: Objective 9 training",
        "Training: Objective 9 webinar",
    }
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {"sent"}


def test_reminders_fire_once_each_across_beat_ticks_and_a_worker_restart(sink, worker_factory):
    worker = worker_factory(hub_env(sink))
    by = organizer()
    event = draft_event(by, starts_in=timedelta(hours=23), status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now(), announced_at=timezone.now())
    attendees = UserFactory.create_batch(4)
    Rsvp.objects.bulk_create([Rsvp(event=event, user=user, response="yes") for user in attendees])
    Rsvp.objects.create(event=event, user=UserFactory.create(), response="no")

    def tick() -> None:
        send_event_reminders.delay()  # what beat sends every minute

    def marker(title: str) -> None:
        """A later announcement to every attendee: once its emails are in, the ticks before it are done."""
        Subscription.objects.bulk_create(
            [Subscription(user=user, objectives=[title]) for user in attendees], ignore_conflicts=True
        )
        Subscription.objects.filter(user__in=attendees).update(objectives=[title])
        marker_event = draft_event(by, title=title, objectives=[title])
        with transaction.atomic():
            event_publish(marker_event, by=by)
        expected = sink.count() + len(attendees)
        assert wait_until(lambda: sink.count() >= expected, timeout=WAIT), worker.tail()

    # 23 hours before: the 24-hour reminder, once, over two ticks.
    tick()
    tick()
    marker("m1")
    # Beat and the worker restart (nothing is kept between them but the database).
    worker.restart()
    tick()
    marker("m2")
    # An hour before (the event moved nearer; the clock did not): the 1-hour reminder, once.
    one_hour = timezone.now() + timedelta(minutes=50)
    Event.objects.filter(pk=event.pk).update(starts_at=one_hour, ends_at=one_hour + timedelta(hours=2))
    tick()
    tick()
    marker("m3")

    def reminders_of(user) -> list[str]:
        return [subject for subject in sink.subjects(user.email) if "Objective 9 training" in subject]

    # Two worker processes: a marker's emails may overtake a tick's, so the last reminders are awaited.
    assert wait_until(lambda: all(len(reminders_of(user)) >= 2 for user in attendees), timeout=WAIT), worker.tail()
    for user in attendees:
        reminders = reminders_of(user)
        assert reminders == ["In one hour: Objective 9 training", "Tomorrow: Objective 9 training"]
    assert EventNotice.objects.filter(event=event).count() == 2 * len(attendees)


def test_a_worker_killed_in_the_middle_of_an_announcement_leaves_one_email_per_subscriber(sink, worker_factory):
    sink.hold_at = 12  # the worker is killed while its 12th message waits for the server's answer
    env = hub_env(sink, NOTIFICATION_EMAIL_CHUNK="5", EVENT_ANNOUNCE_BATCH="10")
    worker = worker_factory(env)
    by = organizer()
    followers = subscribers(30)
    event = draft_event(by)
    with transaction.atomic():
        event_publish(event, by=by)
    assert sink.holding.wait(WAIT), worker.tail()
    worker.kill()  # SIGKILL: no ack, no cleanup, a message half-answered
    sink.release.set()
    assert sink.count() == 12
    # Claimed and arrived, but never confirmed to the database (the killed chunk's): never sent again.
    in_doubt = set(
        EmailDelivery.objects.filter(state=EmailDelivery.State.SENDING).values_list(
            "notification__recipient__email", flat=True
        )
    )
    assert in_doubt
    assert in_doubt <= set(sink.recipients())

    recovered = worker_factory(env)
    sweep_event_announcements.delay()  # beat's ticks after the restart
    sweep_notification_emails.delay()
    assert wait_until(lambda: sink.count() >= 30, timeout=WAIT), recovered.tail()
    # One more round of ticks and a later announcement: nothing else arrives for the first.
    sweep_event_announcements.delay()
    sweep_notification_emails.delay()
    marker = draft_event(by, title="Objective 9 webinar")
    with transaction.atomic():
        event_publish(marker, by=by)
    assert wait_until(lambda: sink.count() >= 60, timeout=WAIT), recovered.tail()
    assert announced(event) == Counter({user.pk: 1 for user in followers})
    assert Counter(str(m["To"]) for m in sink.messages if "training" in str(m["Subject"])) == Counter(
        {user.email: 1 for user in followers}
    )
    assert Event.objects.get(pk=event.pk).announced_at is not None


def test_a_worker_killed_while_a_chunk_goes_over_several_connections_leaves_one_email_per_subscriber(
    sink, worker_factory
):
    """The same with one chunk of 80 sent over three SMTP connections (``delivery._lanes``): the worker
    is killed when each connection waits for the server's answer to a message that arrived. The rows
    in doubt are those three and the ones accepted before them (never confirmed): all arrived."""
    from notifications.delivery import LANE_MIN_MESSAGES, SMTP_LANES

    lanes = min(SMTP_LANES, 80 // LANE_MIN_MESSAGES)
    assert lanes > 1
    sink.hold_from = 12
    env = hub_env(sink, NOTIFICATION_EMAIL_CHUNK="80", EVENT_ANNOUNCE_BATCH="80")
    worker = worker_factory(env)
    by = organizer()
    followers = subscribers(80)
    event = draft_event(by)
    with transaction.atomic():
        event_publish(event, by=by)
    assert wait_until(lambda: sink.held >= lanes, timeout=WAIT), worker.tail()
    worker.kill()  # SIGKILL with every connection half-answered
    sink.release.set()
    assert sink.count() == 11 + lanes
    in_doubt = set(
        EmailDelivery.objects.filter(state=EmailDelivery.State.SENDING).values_list(
            "notification__recipient__email", flat=True
        )
    )
    assert len(in_doubt) == 11 + lanes
    assert in_doubt == set(sink.recipients())

    recovered = worker_factory(env)
    sweep_event_announcements.delay()
    sweep_notification_emails.delay()
    assert wait_until(lambda: sink.count() >= 80, timeout=WAIT), recovered.tail()
    marker = draft_event(by, title="Objective 9 webinar")
    with transaction.atomic():
        event_publish(marker, by=by)
    assert wait_until(lambda: sink.count() >= 160, timeout=WAIT), recovered.tail()
    assert Counter(str(m["To"]) for m in sink.messages if "training" in str(m["Subject"])) == Counter(
        {user.email: 1 for user in followers}
    )


def test_a_rolled_back_publication_sends_nothing(sink, worker_factory):
    worker = worker_factory(hub_env(sink))
    by = organizer()
    followers = subscribers(5)
    rolled_back = draft_event(by, title="Never happened")
    with transaction.atomic():
        event_publish(rolled_back, by=by)
        transaction.set_rollback(True)
    sweep_event_announcements.delay()
    kept = draft_event(by, title="Did happen")
    with transaction.atomic():
        event_publish(kept, by=by)
    assert wait_until(lambda: sink.count() >= 5, timeout=WAIT), worker.tail()
    sweep_event_announcements.delay()
    sweep_notification_emails.delay()
    second = draft_event(by, title="Also happened")
    with transaction.atomic():
        event_publish(second, by=by)
    assert wait_until(lambda: sink.count() >= 10, timeout=WAIT), worker.tail()
    assert sink.count() == 10
    assert all("Never happened" not in str(message["Subject"]) for message in sink.messages)
    assert not announced(rolled_back)
    assert Event.objects.get(pk=rolled_back.pk).status == Event.Status.DRAFT
    assert announced(kept) == Counter({user.pk: 1 for user in followers})


def test_broker_down_at_commit_is_sent_once_it_is_back(tmp_path, sink, worker_factory):
    port = free_port()
    broker = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    env = hub_env(sink, REDIS_URL=url, CELERY_BROKER_URL=url)
    worker = worker_factory(env)
    server, http_port = start_uvicorn(env, tmp_path / "uvicorn.log")
    try:
        by = organizer()
        followers = subscribers(6)
        event = draft_event(by)
        broker.terminate()
        broker.wait()
        # The broker is down: the request still publishes (the queueing fails after the commit and
        # is logged), and the announcement is owed.
        assert publish_over_http(http_port, event, by) == 200
        stored = Event.objects.get(pk=event.pk)
        assert (stored.status, stored.announced_at) == (Event.Status.PUBLISHED, None)
        assert not announced(event)

        broker = start_redis(port)  # back, empty: the task never reached it
        # Beat's tick, sent to the Hub's broker. Not made Celery's current app: tasks queued later in
        # this process (other tests) would go to this test's broker, gone once it ends.
        beat = Celery(broker=url, set_as_current=False)
        beat.send_task("events.tasks.sweep_event_announcements")
        assert wait_until(lambda: mailed_once_each(sink, followers), timeout=WAIT), worker.tail()
        beat.send_task("events.tasks.sweep_event_announcements")
        beat.send_task("notifications.tasks.sweep_notification_emails")
        later = draft_event(by, title="Objective 9 webinar")
        assert publish_over_http(http_port, later, by) == 200
        assert wait_until(lambda: sink.count() >= 12, timeout=WAIT), worker.tail()
        beat.close()
    finally:
        stop(server)
        broker.kill()
        broker.wait()
    assert announced(event) == Counter({user.pk: 1 for user in followers})
    assert sink.count() == 12
