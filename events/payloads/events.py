"""The JSON shapes of events, answers and organizer grants.

One typed function per shape; the OpenAPI document declares the same shapes
(``events/schema/events.py``) and the test suite checks every response against it. An event's
fields are the contract's (``id, title, kind, description, objectives, regions, starts_at,
ends_at, timezone, location, online_url, capacity, organizer, status, attendee_count``) plus the
ones this Hub adds (``organizer_display_name, my_rsvp, seats_left, waitlist_count, sequence, url,
created_at, updated_at, published_at, cancelled_at``).
"""

from datetime import datetime
from typing import TypedDict

from events.models import OrganizerGrant, Rsvp, WaitlistEntry
from events.paths import event_path
from events.selectors.events import EventWithCounts
from events.selectors.rsvp import RsvpStatus


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


class EventPayload(TypedDict):
    id: int
    title: str
    kind: str
    description: str
    objectives: list[str]
    regions: list[str]
    starts_at: str
    ends_at: str
    timezone: str
    location: str
    online_url: str
    capacity: int | None
    organizer: str | None
    organizer_display_name: str | None
    status: str
    attendee_count: int
    seats_left: int | None
    waitlist_count: int
    my_rsvp: str | None
    sequence: int
    url: str
    created_at: str
    updated_at: str
    published_at: str | None
    cancelled_at: str | None


class WaitlistPayload(TypedDict):
    state: str
    position: int | None
    joined_at: str
    offered_at: str | None
    offer_expires_at: str | None


class RsvpPayload(TypedDict):
    event: int
    response: str | None
    updated_at: str | None
    attendee_count: int
    seats_left: int | None
    waitlist: WaitlistPayload | None


class OrganizerGrantPayload(TypedDict):
    username: str
    display_name: str
    granted_by: str | None
    created_at: str


def seats_left(event: "EventWithCounts") -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.attendee_count - event.offers_open)


def event_payload(event: "EventWithCounts") -> EventPayload:
    """Precondition: ``event`` comes from ``events.selectors.events`` (organizer joined, counts annotated)."""
    organizer = event.organizer
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "objectives": list(event.objectives),
        "regions": list(event.regions),
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "location": event.location,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "organizer": organizer.username if organizer is not None else None,
        "organizer_display_name": (organizer.display_name or organizer.username) if organizer is not None else None,
        "status": event.status,
        "attendee_count": event.attendee_count,
        "seats_left": seats_left(event),
        "waitlist_count": event.waitlist_count,
        "my_rsvp": event.my_rsvp,
        "sequence": event.sequence,
        "url": event_path(event.pk),
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
        "published_at": iso_or_none(event.published_at),
        "cancelled_at": iso_or_none(event.cancelled_at),
    }


def waitlist_payload(entry: WaitlistEntry, position: int | None) -> WaitlistPayload:
    return {
        "state": entry.state,
        "position": position,
        "joined_at": iso(entry.created_at),
        "offered_at": iso_or_none(entry.offered_at),
        "offer_expires_at": iso_or_none(entry.offer_expires_at),
    }


def rsvp_payload(status: RsvpStatus) -> RsvpPayload:
    rsvp: Rsvp | None = status.rsvp
    return {
        "event": status.event.pk,
        "response": rsvp.response if rsvp is not None else None,
        "updated_at": iso(rsvp.updated_at) if rsvp is not None else None,
        "attendee_count": status.event.attendee_count,
        "seats_left": seats_left(status.event),
        "waitlist": waitlist_payload(status.entry, status.position) if status.entry is not None else None,
    }


def organizer_grant_payload(grant: OrganizerGrant) -> OrganizerGrantPayload:
    """Precondition: ``user`` and ``granted_by`` loaded (``events.selectors.organizers``)."""
    return {
        "username": grant.user.username,
        "display_name": grant.user.display_name or grant.user.username,
        "granted_by": grant.granted_by.username if grant.granted_by is not None else None,
        "created_at": iso(grant.created_at),
    }
