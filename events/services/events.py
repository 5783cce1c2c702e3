"""Creating, changing, publishing and cancelling events.

Organizers (staff, or users staff granted: ``events.selectors.access``) create events as drafts;
the event's organizer and staff change, publish and cancel it. Times arrive aware (stored in UTC)
or naive, meaning wall-clock time in the event's own ``timezone``.

What other apps hear, always from inside the transaction that made the change, so a rolled-back
change tells no one:

- publishing: ``events.services.announcements.announce_on_commit(event)`` (the subscribers);
- a published event's start moved: ``announcements.event_time_changed_on_commit(event, old_starts_at)``
  (the attendees; reminders re-armed), after ``starts_at`` and ``sequence`` are saved;
- cancelling: ``announcements.event_cancelled_on_commit(event)`` (yes and maybe attendees) and
  ``events.services.invitations.invitations_cancelled_on_commit(event)`` (invitees' METHOD:CANCEL).

``sequence`` (the iCalendar SEQUENCE) grows by one whenever the title, time, time zone or place of
a published event changes, and when a published event is cancelled, so calendar clients replace
the entry they hold.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import Event
from events.selectors.access import require_manageable, require_organizer
from events.services.waitlist import seats_taken, waitlist_offer_free_seats
from hub.errors import ErrorCode, HubError
from webhooks.outbox import webhooks_event_cancelled, webhooks_event_published

TITLE_MAX = Event._meta.get_field("title").max_length or 300
DESCRIPTION_MAX = 20_000

# What ``event_create`` takes and ``event_update`` changes; anything else in ``changes`` is ignored.
EDITABLE_FIELDS = (
    "title", "kind", "description", "objectives", "regions", "starts_at", "ends_at", "timezone", "location",
    "online_url", "capacity",
)  # fmt: skip
# A change to any of these on a published event is news to calendars: SEQUENCE grows.
SCHEDULE_FIELDS = ("title", "starts_at", "ends_at", "timezone", "location", "online_url")


class EventInvalid(Exception):
    """Values that do not make an event, per field (DRF's shape: ``{"ends_at": ["..."]}``): a 400.

    Raised by the services after merging a change into the event, where one field is only wrong
    beside another (an end before a start the request did not send).
    """

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)


def timezone_known(name: str) -> bool:
    """An IANA zone name this system's zoneinfo knows ("Europe/Paris", "UTC")."""
    if name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


def _aware(moment: datetime, zone: str) -> datetime:
    """A naive time is wall-clock time in the event's zone (UTC while the zone is unknown, which
    is refused anyway); an aware one is kept, as UTC."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=ZoneInfo(zone if timezone_known(zone) else "UTC"))
    return moment.astimezone(ZoneInfo("UTC"))


def _problems(values: Mapping[str, Any], *, now: datetime, start_moved: bool, seats: int = 0) -> dict[str, list[str]]:
    """What is wrong with an event's (merged) values, by field."""
    problems: dict[str, list[str]] = {}
    if not str(values["title"]).strip():
        problems["title"] = [_("This field may not be blank.")]
    if not timezone_known(values["timezone"]):
        problems["timezone"] = [_("Unknown time zone: give an IANA name such as Europe/Paris or UTC.")]
    if values["ends_at"] <= values["starts_at"]:
        problems["ends_at"] = [_("The event must end after it starts.")]
    if start_moved and values["starts_at"] <= now:
        problems["starts_at"] = [_("The event cannot start in the past.")]
    if not values["location"].strip() and not values["online_url"]:
        problems["location"] = [_("Give a location, an online link, or both.")]
    capacity = values["capacity"]
    if capacity is not None and capacity < 1:
        problems["capacity"] = [_("Ensure this value is greater than or equal to 1.")]
    elif capacity is not None and capacity < seats:
        problems["capacity"] = [
            _("%(seats)d seats are already taken: the capacity cannot be lower.") % {"seats": seats}
        ]
    return problems


def _with_times_in_zone(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("starts_at", "ends_at"):
        fields[name] = _aware(fields[name], fields["timezone"])
    return fields


def event_create(
    *,
    organizer: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = Event.Kind.EVENT,
    description: str = "",
    objectives: list[str] | None = None,
    regions: list[str] | None = None,
    timezone: str = "UTC",
    location: str = "",
    online_url: str = "",
    capacity: int | None = None,
) -> Event:
    """A draft organized by ``organizer`` (403 unless they are an organizer). Values are already
    checked one by one (``events.serializers``); here together (``EventInvalid``)."""
    require_organizer(organizer)
    fields = _with_times_in_zone(
        {
            "title": title.strip(), "kind": kind, "description": description, "objectives": objectives or [],
            "regions": regions or [], "starts_at": starts_at, "ends_at": ends_at, "timezone": timezone,
            "location": location.strip(), "online_url": online_url, "capacity": capacity,
        }
    )  # fmt: skip
    problems = _problems(fields, now=_now(), start_moved=True)
    if problems:
        raise EventInvalid(problems)
    return Event.objects.create(organizer=organizer, status=Event.Status.DRAFT, **fields)


def _now() -> datetime:
    return timezone.now()


def _locked(event: Event | int) -> Event:
    event_id = event if isinstance(event, int) else event.pk
    locked = Event.objects.select_for_update().filter(pk=event_id).first()
    if locked is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such event."))
    return locked


def event_update(event: Event | int, *, by: User, changes: Mapping[str, Any]) -> Event:
    """The organizer or staff change an event (404 if they cannot see it, 403 if they may not change
    it, 409 once cancelled). ``changes`` are checked one by one already; merged with the event, they
    must still make one (``EventInvalid``). Moving the start of a published event tells the
    attendees; raising the capacity offers the new seats to the waiting list.
    """
    now = _now()
    with transaction.atomic():
        event = _locked(event)
        require_manageable(event, by)
        if event.status == Event.Status.CANCELLED:
            raise HubError(ErrorCode.CONFLICT, _("A cancelled event cannot be changed."))
        merged = {field: changes.get(field, getattr(event, field)) for field in EDITABLE_FIELDS}
        if "title" in changes:
            merged["title"] = str(changes["title"]).strip()
        if "location" in changes:
            merged["location"] = str(changes["location"]).strip()
        # Times sent without an offset are read in the (new) zone; those not sent keep their instant.
        for name in ("starts_at", "ends_at"):
            if name in changes:
                merged[name] = _aware(changes[name], merged["timezone"])
        start_moved = merged["starts_at"] != event.starts_at
        seats = seats_taken(event, now) if merged["capacity"] is not None else 0
        problems = _problems(merged, now=now, start_moved=start_moved, seats=seats)
        if problems:
            raise EventInvalid(problems)
        changed = [field for field in EDITABLE_FIELDS if merged[field] != getattr(event, field)]
        if not changed:
            return event
        old_starts_at, old_capacity = event.starts_at, event.capacity
        for field in changed:
            setattr(event, field, merged[field])
        update_fields = [*changed, "updated_at"]
        if event.status == Event.Status.PUBLISHED and any(field in SCHEDULE_FIELDS for field in changed):
            event.sequence += 1
            update_fields.append("sequence")
        event.save(update_fields=update_fields)
        if event.status == Event.Status.PUBLISHED and start_moved:
            from events.services import announcements  # written by the announcements helper

            announcements.event_time_changed_on_commit(event, old_starts_at)
        if "capacity" in changed and (event.capacity is None or (old_capacity or 0) < event.capacity):
            waitlist_offer_free_seats(event, now)
    return event


def event_publish(event: Event | int, *, by: User) -> Event:
    """Draft → published, announced to its subscribers after commit. Publishing a published event
    again changes nothing (and announces nothing); a cancelled one, or one whose start has passed,
    is a 409 ``conflict``."""
    now = _now()
    with transaction.atomic():
        event = _locked(event)
        require_manageable(event, by)
        if event.status == Event.Status.PUBLISHED:
            return event
        if event.status == Event.Status.CANCELLED:
            raise HubError(ErrorCode.CONFLICT, _("A cancelled event cannot be published."))
        if event.starts_at <= now:
            raise HubError(ErrorCode.CONFLICT, _("This event's start has passed: change its time first."))
        event.status = Event.Status.PUBLISHED
        event.published_at = now
        event.save(update_fields=["status", "published_at", "updated_at"])
        from events.services import announcements  # written by the announcements helper

        announcements.announce_on_commit(event)
        webhooks_event_published(event=event)
    return event


def event_cancel(event: Event | int, *, by: User) -> Event:
    """Draft or published → cancelled; its attendees and invitees are told after commit. Cancelling
    again changes nothing."""
    now = _now()
    with transaction.atomic():
        event = _locked(event)
        require_manageable(event, by)
        if event.status == Event.Status.CANCELLED:
            return event
        update_fields = ["status", "cancelled_at", "updated_at"]
        if event.status == Event.Status.PUBLISHED:
            event.sequence += 1
            update_fields.append("sequence")
        event.status = Event.Status.CANCELLED
        event.cancelled_at = now
        event.save(update_fields=update_fields)
        from events.services import announcements, invitations  # written by the other event helpers

        announcements.event_cancelled_on_commit(event)
        invitations.invitations_cancelled_on_commit(event)
        webhooks_event_cancelled(event=event)
    return event
