"""Telling people about an event: the announcement to its subscribers, and its changes to attendees.

**Announcement** (``POST /api/v1/events/{id}/publish/``): every user subscribed to one of the
event's objectives or regions, for its kind (a subscription with no kinds takes every kind), gets
one ``event_announcement`` notification, and an email per their preference. The publishing request
does no per-recipient work: ``announce_on_commit`` (inside ``event_publish``'s transaction) only
queues ``events.tasks.announce_event`` for after the commit. The event row is the outbox:
``published_at`` set and ``announced_at`` null means the announcement is owed, and
``events.tasks.sweep_event_announcements`` (beat, every minute) queues it again when it is owed
for longer than ``EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS``: the broker was down at commit, or the
worker died in the middle of the fan-out.

``event_announce`` (the task's body) reads the recipients' ids with one query on
``Subscription`` (``overlaps``: the GIN indexes on PostgreSQL) and writes their notifications
with ``notifications_create_many`` in transactions of ``EVENT_ANNOUNCE_BATCH`` recipients, so the
emails of the first batch are on their way while the next is written. Each recipient is told once
whatever happens (the notification's unique (recipient, kind, source_key)): a second run, a run
racing another, or a run after a crash create only what is missing. Once every batch is committed
the event is marked announced. The organizer is left out (they published it), and so are
accounts that cannot log in. An event that is over by the time the task runs is marked announced
without telling anyone (nobody can go any more); one cancelled before it ran is not announced.

**Changes**, told to the event's attendees inside the transaction that makes them (set-based, so
no task and no outbox is needed: the rows commit or roll back with the change, and their emails
start after the commit):

- the start of a published event moved (``event_time_changed_on_commit``): yes and maybe get
  ``event_updated``, once per change (keyed by the new ``sequence`` and start). Reminders are
  re-armed by themselves: their claims are keyed by the start time (``events.reminders``);
- the event cancelled (``event_cancelled_on_commit``): yes and maybe get ``event_cancelled``, once.
"""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from events.calendar import event_zone
from events.models import Event, Rsvp, RsvpResponse
from events.paths import event_path
from notifications.bulk import notifications_create_many
from notifications.models import Notification, Subscription

logger = logging.getLogger(__name__)

Kind = Notification.Kind

ANNOUNCEMENT_TITLE = gettext_lazy("%(kind)s: %(title)s")
ANNOUNCEMENT_BODY = gettext_lazy(
    "%(when)s (%(zone)s), %(where)s. You follow one of its objectives or regions: see the event and answer on its page."
)
TIME_CHANGED_TITLE = gettext_lazy("New time for %(title)s")
TIME_CHANGED_BODY = gettext_lazy("%(title)s now starts %(when)s (%(zone)s); it was to start %(old)s.")
CANCELLED_TITLE = gettext_lazy("Cancelled: %(title)s")
CANCELLED_BODY = gettext_lazy("%(title)s, which was to start %(when)s (%(zone)s), is cancelled.")
ONLINE = gettext_lazy("online")


def announcement_source_key(event_id: int) -> str:
    return f"event:{event_id}:announce"


def local_time(event: Event, moment: datetime) -> str:
    """``moment`` on the clock of the event's own zone, as notifications show it (language-neutral)."""
    return f"{moment.astimezone(event_zone(event)):%Y-%m-%d %H:%M}"


def _where(event: Event) -> str | Promise:
    return event.location or ONLINE


# --- The announcement ------------------------------------------------------------------------------


def announce_on_commit(event: Event) -> None:
    """Queue the announcement of ``event`` for after the current transaction commits.

    Call it inside the transaction that publishes the event (``published_at`` set). If the broker
    cannot be reached at commit, the failure is logged and the sweep queues it later (the event
    stays owed: ``announced_at`` null).
    """
    event_id = event.pk

    # A function, not a partial: Django names a robust callback that failed by its __qualname__.
    def enqueue_announcement() -> None:
        from events.tasks import announce_event  # the tasks module imports this one

        announce_event.delay(event_id)

    transaction.on_commit(enqueue_announcement, robust=True)


def subscribers_of(event: Event) -> QuerySet[Subscription]:
    """The subscriptions that ask for ``event``: one of its objectives or one of its regions, and its
    kind or every kind; without its organizer and accounts that cannot log in. One query; on
    PostgreSQL the tag filters are answered from the GIN indexes."""
    tags = Q(objectives__overlaps=list(event.objectives)) | Q(regions__overlaps=list(event.regions))
    kinds = Q(kinds=[]) | Q(kinds__overlaps=[event.kind])
    subscriptions = Subscription.objects.filter(tags, kinds, user__is_active=True)
    if event.organizer_id is not None:
        subscriptions = subscriptions.exclude(user_id=event.organizer_id)
    return subscriptions


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def event_announce(*, event_id: int) -> int:
    """Tell the subscribers of a published event about it, once each; returns how many were told now.

    Safe to run twice, at once or later (see the module docstring). Does nothing for an event not
    (or no longer) published, or already announced.
    """
    event = Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED, announced_at__isnull=True).first()
    if event is None:
        return 0
    now = timezone.now()
    told = 0
    if event.ends_at > now:
        recipients = list(subscribers_of(event).order_by("user_id").values_list("user_id", flat=True))
        params = {
            "kind": Event.Kind(event.kind).label,  # lazy: rendered in each recipient's language
            "title": event.title,
            "when": local_time(event, event.starts_at),
            "zone": event.timezone,
            "where": _where(event),
        }
        for batch in _batches(recipients, settings.EVENT_ANNOUNCE_BATCH):
            with transaction.atomic():
                told += notifications_create_many(
                    batch,
                    kind=Kind.EVENT_ANNOUNCEMENT,
                    title=ANNOUNCEMENT_TITLE,
                    body=ANNOUNCEMENT_BODY,
                    params=params,
                    url=event_path(event.pk),
                    source_key=announcement_source_key(event.pk),
                )
    Event.objects.filter(pk=event.pk, announced_at__isnull=True).update(announced_at=timezone.now())
    return told


def owed_announcements() -> list[int]:
    """Ids of published events whose announcement has been owed for longer than
    ``EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS`` (oldest first). The partial index ``event_announcement_owed``
    holds exactly the owed rows."""
    before = timezone.now() - timedelta(seconds=settings.EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS)
    owed = Event.objects.filter(status=Event.Status.PUBLISHED, announced_at__isnull=True, published_at__lte=before)
    return list(owed.order_by("published_at", "pk").values_list("pk", flat=True)[:1000])


# --- Changes told to attendees ---------------------------------------------------------------------


def _attendees(event: Event) -> QuerySet[Rsvp]:
    """User ids of those who answered yes or maybe (the organizer left out: they made the change)."""
    rsvps = Rsvp.objects.filter(
        event_id=event.pk, response__in=[RsvpResponse.YES, RsvpResponse.MAYBE], user__is_active=True
    )
    if event.organizer_id is not None:
        rsvps = rsvps.exclude(user_id=event.organizer_id)
    return rsvps.values("user_id")  # type: ignore[return-value]  # a subquery of ids for the bulk insert


def event_time_changed_on_commit(event: Event, old_starts_at: datetime) -> int:
    """Tell the yes and maybe attendees that ``event`` now starts at ``event.starts_at``.

    Precondition: inside the transaction that saved the new ``starts_at`` and ``sequence`` of the
    published event. Once per change: the key names the new sequence and start, so a retried call
    tells no one twice and the next move tells them again. Emails go after the commit. Returns how
    many were told.
    """
    if event.starts_at == old_starts_at:
        return 0
    starts = event.starts_at.astimezone(UTC)
    return notifications_create_many(
        _attendees(event),
        kind=Kind.EVENT_UPDATED,
        title=TIME_CHANGED_TITLE,
        body=TIME_CHANGED_BODY,
        params={
            "title": event.title,
            "when": local_time(event, event.starts_at),
            "old": local_time(event, old_starts_at),
            "zone": event.timezone,
        },
        url=event_path(event.pk),
        source_key=f"event:{event.pk}:moved:{event.sequence}:{starts:%Y%m%dT%H%M%SZ}",
    )


def event_cancelled_on_commit(event: Event) -> int:
    """Tell the yes and maybe attendees that ``event`` is cancelled, once.

    Precondition: inside the transaction that cancelled it. Emails go after the commit. Returns how
    many were told.
    """
    return notifications_create_many(
        _attendees(event),
        kind=Kind.EVENT_CANCELLED,
        title=CANCELLED_TITLE,
        body=CANCELLED_BODY,
        params={"title": event.title, "when": local_time(event, event.starts_at), "zone": event.timezone},
        url=event_path(event.pk),
        source_key=f"event:{event.pk}:cancelled",
    )
