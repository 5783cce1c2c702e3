"""The Django side of ``bench.announce``: seeding subscribers, one event to publish, and the baseline.

The **baseline** is the naive way to announce with Celery: publishing queues one task per
subscriber, and each task creates that subscriber's notification and calls ``send_mail`` (a new
SMTP connection per email, no claim row). Its workers import this module (``celery -I
bench.announce_baseline``); production code carries no baseline.

Commands (run by the benchmark with the bench database's settings):

- ``python -m bench.announce_baseline seed N``: N users with addresses at example.org, their
  languages spread over the six UN languages and "not chosen", each subscribed to objective 9
  (every kind of event) with no preference row (email "immediate"), written with ``COPY``;
- ``python -m bench.announce_baseline prepare``: empties the notifications and events, makes a staff
  organizer, a draft objective 9 training and a draft event nobody follows (to publish first, as a
  warm-up); prints ``{"event_id", "warm_up_id", "token"}``;
- ``python -m bench.announce_baseline counts EVENT_ID``: prints the notifications and emails stored;
- ``python -m bench.announce_baseline insert-timings N``: what writing N notifications costs, three ways.
"""

import json
import os
import sys
from datetime import timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from celery import shared_task  # noqa: E402 (after django.setup(): the tasks touch models)
from django.conf import settings  # noqa: E402
from django.core.mail import send_mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import token_for  # noqa: E402
from events.models import Event  # noqa: E402
from events.services.announcements import subscribers_of  # noqa: E402
from experts.bulk import RowWriter  # noqa: E402
from notifications.models import EmailDelivery, Notification, Subscription  # noqa: E402

LANGUAGES = ["", *User.Language.values]
REGIONS = ["africa", "asia-pacific", "europe-central-asia", "latin-america-caribbean", "middle-east-north-africa",
           "north-america"]  # fmt: skip


# --- The baseline -------------------------------------------------------------------------------


@shared_task(name="bench.announce_baseline.publish_naive")
def publish_naive(event_id: int) -> int:
    """Publish and queue one task per subscriber (the same subscribers the Hub chooses)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        event.status = Event.Status.PUBLISHED
        event.published_at = event.announced_at = timezone.now()
        event.save(update_fields=["status", "published_at", "announced_at"])
    recipients = list(subscribers_of(event).values_list("user_id", flat=True))
    for user_id in recipients:
        notify_one.delay(user_id, event_id)
    return len(recipients)


@shared_task(name="bench.announce_baseline.notify_one")
def notify_one(user_id: int, event_id: int) -> None:
    """One subscriber: the notification, then ``send_mail`` (its own SMTP connection)."""
    user = User.objects.get(pk=user_id)
    event = Event.objects.get(pk=event_id)
    title = f"{Event.Kind(event.kind).label}: {event.title}"
    body = f"{event.starts_at:%Y-%m-%d %H:%M} ({event.timezone}), {event.location or 'online'}."
    notification, created = Notification.objects.get_or_create(
        recipient=user,
        kind=Notification.Kind.EVENT_ANNOUNCEMENT,
        source_key=f"event:{event.pk}:announce",
        defaults={"title": title, "body": body, "url": f"/events/{event.pk}/"},
    )
    if created and user.email:
        send_mail(title, f"{body}\n\n{settings.SITE_URL}{notification.url}", None, [user.email])


# --- Commands ------------------------------------------------------------------------------------


def seed(count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_user RESTART IDENTITY CASCADE")
    with transaction.atomic():
        with RowWriter(User, batch_size=5000) as users:
            for index in range(count):
                users.add(
                    User(
                        username=f"subscriber{index}",
                        email=f"subscriber{index}@example.org",
                        password="!",  # noqa: S106 (an unusable password: no login)
                        language=LANGUAGES[index % len(LANGUAGES)],
                    )
                )
        ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        with RowWriter(Subscription, batch_size=5000) as subscriptions:
            for index, user_id in enumerate(ids):
                subscriptions.add(
                    Subscription(user_id=user_id, objectives=["9"], regions=[REGIONS[index % len(REGIONS)]], kinds=[])
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_user")
        cursor.execute("VACUUM ANALYZE notifications_subscription")


def prepare() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_event, notifications_notification RESTART IDENTITY CASCADE")
    organizer, _created = User.objects.get_or_create(
        username="bench-organizer",
        defaults={"email": "organizer@hub.example", "is_staff": True, "password": "!"},
    )
    starts = timezone.now() + timedelta(days=14)
    event, warm_up = (
        Event.objects.create(
            title=title,
            kind=Event.Kind.TRAINING,
            objectives=objectives,
            regions=[],
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            timezone="Africa/Nairobi",
            location="Nairobi",
            organizer=organizer,
        )
        # The warm-up: an event nobody follows, published first so that the measured request does not
        # pay for the server process's first broker connection.
        for title, objectives in (("Fair recruitment in practice", ["9"]), ("Warm-up", ["23"]))
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
        cursor.execute("VACUUM ANALYZE notifications_emaildelivery")
    return {"event_id": event.pk, "warm_up_id": warm_up.pk, "token": token_for(organizer)}


def counts(event_id: int) -> dict[str, int]:
    notifications = Notification.objects.filter(source_key=f"event:{event_id}:announce")
    return {
        "notifications": notifications.count(),
        "recipients": notifications.values("recipient_id").distinct().count(),
        "deliveries_sent": EmailDelivery.objects.filter(
            notification__in=notifications, state=EmailDelivery.State.SENT
        ).count(),
    }


def insert_timings(count: int) -> dict[str, float]:
    """Seconds to write ``count`` subscribers' notifications and email rows, three ways, each rolled back:
    one ``notifications_create_many`` call, the announcement's batches of ``EVENT_ANNOUNCE_BATCH``, and
    ``notification_create`` once per subscriber (what the Hub would do without ``notifications.bulk``)."""
    import time

    from notifications.bulk import notifications_create_many
    from notifications.services import notification_create

    ids = list(User.objects.filter(username__startswith="subscriber").order_by("pk").values_list("pk", flat=True))
    ids = ids[:count]
    kind, title, key = Notification.Kind.EVENT_ANNOUNCEMENT, "Training: Fair recruitment in practice", "timing"
    timings: dict[str, float] = {}

    def timed(name: str, write: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            write()
            transaction.set_rollback(True)  # nothing kept, nothing queued
        timings[name] = round(time.perf_counter() - started, 3)

    timed("one_statement", lambda: notifications_create_many(ids, kind=kind, title=title, source_key=key))
    batch = settings.EVENT_ANNOUNCE_BATCH

    def batches() -> None:
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                notifications_create_many(ids[start : start + batch], kind=kind, title=title, source_key=key)

    timed(f"batches_of_{batch}", batches)

    def one_by_one() -> None:
        for user in User.objects.filter(pk__in=ids).order_by("pk"):
            notification_create(recipient=user, kind=kind, title=title, source_key=key)

    timed("notification_create_each", one_by_one)
    return timings


def main() -> None:
    command = sys.argv[1]
    if command == "seed":
        seed(int(sys.argv[2]))
    elif command == "prepare":
        print(json.dumps(prepare()))
    elif command == "insert-timings":
        print(json.dumps(insert_timings(int(sys.argv[2]))))
    elif command == "counts":
        print(json.dumps(counts(int(sys.argv[2]))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
