"""The waiting list: a freed seat is offered to the first in line, held for them, then passed on.

Someone who answers yes to a full event may ask to wait (``rsvp_respond(..., waitlist=True)``).
When a seat frees up (an attendee changes their yes to no or maybe, the organizer raises the
capacity or removes it, an offer is declined or runs out), the first person waiting is offered it:
their entry becomes ``offered`` with ``offer_expires_at`` ``EVENT_SEAT_OFFER_HOURS`` later (48 h
by default; never past the event's end), and they are notified. While the offer is open the seat
counts as taken, so nobody else can answer yes into it. An invited address without an account that
answered yes by its link holds a seat too (``seats_taken``), but cannot wait in line (the list is of
accounts): to a full event its yes is refused. Answering yes within the hold takes it
(``accepted``); an offer that runs out becomes ``expired`` and the seat goes to the next in line,
by beat (``events.tasks_waitlist.expire_seat_offers``) or at once when someone answers the event
and finds it (the RSVP passes it on under the same lock, before counting seats).

Every function here that changes the list expects the event row locked (``select_for_update``)
by the caller's transaction: seats are counted and given under that one lock, which is what
makes two people racing for the last seat, or an offer and a yes, take turns.
"""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from events.models import Event, Invitation, Rsvp, RsvpResponse, WaitlistEntry
from events.paths import event_path
from notifications.models import Notification
from notifications.services import notification_create

logger = logging.getLogger(__name__)

# No contract kind says "a seat was freed for you"; an offer is news about an event the user asked
# to attend, told once like an announcement. (A kind of its own, ``event_seat_offered``, has been
# asked of the notifications app.)
SEAT_OFFER_KIND = Notification.Kind.EVENT_ANNOUNCEMENT

OFFER_TITLE = gettext_lazy("A seat is free for you: %(title)s")
OFFER_BODY = gettext_lazy(
    "A seat has become free at “%(title)s” and it is held for you until %(deadline)s. Answer yes on the "
    "event's page to take it; after that it is offered to the next person on the waiting list."
)


def offer_hold() -> timedelta:
    return timedelta(hours=settings.EVENT_SEAT_OFFER_HOURS)


def open_offers(event: Event, now: datetime) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(event=event, state=WaitlistEntry.State.OFFERED, offer_expires_at__gt=now)


def seats_taken(event: Event, now: datetime) -> int:
    """Yes answers (accounts' RSVPs and invited addresses without an account) plus the seats held by
    open offers. Call with the event row locked to rely on it."""
    yes = Rsvp.objects.filter(event=event, response=RsvpResponse.YES).count()
    return yes + address_yes_answers(event).count() + open_offers(event, now).count()


def address_yes_answers(event: Event) -> QuerySet[Invitation]:
    """The invitations of addresses without an account that answered yes: each holds a seat. (An
    invited account's answer is its ``Rsvp``; its invitation only mirrors it.)"""
    return Invitation.objects.filter(event=event, user__isnull=True, response=RsvpResponse.YES)


def event_open_for_answers(event: Event, now: datetime) -> bool:
    return event.status == Event.Status.PUBLISHED and event.ends_at > now


def waitlist_join(event: Event, user_id: int, now: datetime) -> WaitlistEntry:
    """Put the user at the end of the list, or keep the place they hold. Event row locked.

    Someone who left, whose offer ran out or who took a seat and gave it back joins again at the end.
    """
    entry = WaitlistEntry.objects.filter(event=event, user_id=user_id).first()
    if entry is None:
        return WaitlistEntry.objects.create(event=event, user_id=user_id)
    if entry.state in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
        return entry
    # ``created_at`` orders the list: a new place at the end.
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        state=WaitlistEntry.State.WAITING, created_at=now, offered_at=None, offer_expires_at=None
    )
    entry.refresh_from_db()
    return entry


def waitlist_offer_free_seats(event: Event, now: datetime) -> list[WaitlistEntry]:
    """Offer each free seat to the next person waiting, and tell them. Event row locked.

    Nothing is offered for an event that no longer takes answers (cancelled, ended, a draft).
    """
    if not event_open_for_answers(event, now):
        return []
    waiting = WaitlistEntry.objects.filter(event=event, state=WaitlistEntry.State.WAITING).order_by("created_at", "pk")
    if event.capacity is not None:
        free = event.capacity - seats_taken(event, now)
        if free <= 0:
            return []
        waiting = waiting[:free]
    entries = list(waiting.select_related("user"))
    if not entries:
        return []
    expires_at = min(now + offer_hold(), event.ends_at)
    WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        state=WaitlistEntry.State.OFFERED, offered_at=now, offer_expires_at=expires_at
    )
    deadline = f"{expires_at.astimezone(ZoneInfo(event.timezone)):%Y-%m-%d %H:%M} ({event.timezone})"
    for entry in entries:
        entry.state, entry.offered_at, entry.offer_expires_at = WaitlistEntry.State.OFFERED, now, expires_at
        notification_create(
            recipient=entry.user,
            kind=SEAT_OFFER_KIND,
            title=OFFER_TITLE,
            body=OFFER_BODY,
            params={"title": event.title, "deadline": deadline},
            url=event_path(event.pk),
            # Each offer once: an entry offered again later (it left and rejoined) is told again.
            source_key=f"event-seat-offer:{entry.pk}:{int(now.timestamp())}",
        )
    return entries


def waitlist_release_expired(event: Event, now: datetime) -> int:
    """Offers that ran out become ``expired`` and their seats go to the next in line. Event row locked."""
    expired = WaitlistEntry.objects.filter(
        event=event, state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now
    ).update(state=WaitlistEntry.State.EXPIRED)
    if expired:
        waitlist_offer_free_seats(event, now)
    return expired


def waitlist_expire_due_offers(*, now: datetime | None = None) -> int:
    """Beat's sweep: every offer that ran out passes on, one event (and one lock) at a time.

    Safe to run twice at once or after a missed tick: each event's offers are re-read under its lock.
    """
    now = now or timezone.now()
    event_ids = list(
        WaitlistEntry.objects.filter(state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now)
        .order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    released = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = Event.objects.select_for_update().filter(pk=event_id).first()
            if event is not None:
                released += waitlist_release_expired(event, now)
    if released:
        logger.info("waitlist: %d seat offers expired and passed on", released)
    return released
