"""Reads of a user's answer to an event and their place on its waiting list."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User
from events.models import Rsvp, WaitlistEntry
from events.selectors.events import EventWithCounts, event_for_viewer


@dataclass(frozen=True)
class RsvpStatus:
    event: "EventWithCounts"
    rsvp: Rsvp | None
    entry: WaitlistEntry | None
    position: int | None  # on the waiting list, from 1; None unless waiting


def rsvp_status(*, event_id: int, user: User) -> RsvpStatus:
    """The caller's answer and waiting-list entry; 404 for an event they may not see."""
    event = event_for_viewer(event_id, user)
    rsvp = Rsvp.objects.filter(event_id=event.pk, user=user).first()
    entry = WaitlistEntry.objects.filter(event_id=event.pk, user=user).first()
    return RsvpStatus(event, rsvp, entry, waitlist_position(entry) if entry is not None else None)


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the next to be offered a seat; None unless the entry is waiting."""
    if entry.state != WaitlistEntry.State.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk),
        event_id=entry.event_id,
        state=WaitlistEntry.State.WAITING,
    )
    return ahead.count() + 1
