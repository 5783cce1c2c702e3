"""Events as iCalendar (RFC 5545, with the iTIP methods of RFC 5546), built with the ``icalendar`` library.

One VEVENT per event, the same whatever carries it (the ``.ics`` download, a personal feed, an
invitation email):

- ``UID`` is ``event.ical_uid`` for the event's whole life and ``SEQUENCE`` is ``event.sequence``
  (events-core raises it whenever the time, place, title or status of a published event changes),
  so a calendar client that already holds the event updates that entry instead of adding another;
- ``DTSTART``/``DTEND`` carry ``TZID`` of the event's own zone, defined by a ``VTIMEZONE`` generated
  from the system's zoneinfo for the years around the event (an event in UTC, or in a zone that is
  UTC all year such as Africa/Dakar, is written in UTC with no VTIMEZONE: the same instants);
- ``ORGANIZER`` is the Hub's sending address with the organizer's name as ``CN``: the organizer's own
  address would be published to anyone who downloads a public event, and replies from calendar
  clients belong to the Hub, where the RSVP is recorded;
- invitations (``METHOD:REQUEST``) and their withdrawal (``METHOD:CANCEL``) name the invitee as
  ``ATTENDEE`` (``RSVP=TRUE``, ``PARTSTAT=NEEDS-ACTION``, ``ROLE=REQ-PARTICIPANT``);
- two display alarms, a day and an hour before the start (not on a cancellation).
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Literal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from events.models import Event

Method = Literal["PUBLISH", "REQUEST", "CANCEL"]

PRODID = "-//Migration Network Hub//Events//EN"
# What the feed asks calendar clients to wait between two reads (RFC 7986 REFRESH-INTERVAL, and the
# older X-PUBLISHED-TTL that Outlook reads).
FEED_REFRESH = dt.timedelta(hours=1)
ALARMS_BEFORE_START = (dt.timedelta(days=1), dt.timedelta(hours=1))
# VTIMEZONE rules are written for the years around the events they serve, not 1970-2038 for every zone.
_ZONE_MARGIN = dt.timedelta(days=400)


def event_zone(event: Event) -> dt.tzinfo:
    """The event's own zone (UTC if its name is not a zone this system knows: services validate it)."""
    try:
        return zoneinfo.ZoneInfo(event.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def event_page_url(event: Event) -> str:
    """The event's page on the Hub, absolute (links in calendars and emails live outside the site)."""
    return settings.SITE_URL + reverse("events:event", args=[event.pk])


def hub_mailbox() -> str:
    """The bare address the Hub sends from (``DEFAULT_FROM_EMAIL`` may carry a display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "hub@localhost"


def _status(event: Event, method: Method) -> str:
    if method == "CANCEL" or event.status == Event.Status.CANCELLED:
        return "CANCELLED"
    if event.status == Event.Status.PUBLISHED:
        return "CONFIRMED"
    return "TENTATIVE"  # a draft, which only its organizer and staff can download


def _organizer(event: Event) -> vCalAddress:
    organizer = vCalAddress(f"mailto:{hub_mailbox()}")
    user = event.organizer
    organizer.params["CN"] = vText(user.shown_name if user is not None else _("Migration Network Hub"))
    return organizer


def _attendee(email: str, name: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["CN"] = vText(name)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "TRUE"
    return attendee


def _description(event: Event) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.online_url:
        parts.append(_("Join online: %(url)s") % {"url": event.online_url})
    parts.append(_("On the Migration Network Hub: %(url)s") % {"url": event_page_url(event)})
    return "\n\n".join(parts)


def _alarm(before: dt.timedelta, event: Event) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.title)
    alarm.add("trigger", -before)  # relative to DTSTART
    return alarm


def _vevent(event: Event, *, method: Method, attendee_email: str | None, attendee_name: str,
            stamp: dt.datetime) -> VEvent:  # fmt: skip
    zone = event_zone(event)
    vevent = VEvent()
    vevent.add("uid", event.ical_uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("created", event.created_at.astimezone(dt.UTC))
    vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    vevent.add("description", _description(event))
    if event.location:
        vevent.add("location", event.location)
    elif event.online_url:
        vevent.add("location", event.online_url)
    vevent.add("url", event.online_url or event_page_url(event))
    vevent.add("categories", [str(Event.Kind(event.kind).label)])
    vevent.add("status", _status(event, method))
    vevent.add("transp", "OPAQUE")
    vevent.add("organizer", _organizer(event))
    if attendee_email:
        vevent.add("attendee", _attendee(attendee_email, attendee_name))
    if _status(event, method) != "CANCELLED":
        for before in ALARMS_BEFORE_START:
            vevent.add_component(_alarm(before, event))
    return vevent


def _calendar(method: Method) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _with_timezones(calendar: Calendar, events: list[Event]) -> bytes:
    if events:
        first = min(event.starts_at for event in events) - _ZONE_MARGIN
        last = max(event.ends_at for event in events) + _ZONE_MARGIN
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return bytes(calendar.to_ical())


def event_ics(event: Event, *, method: Method = "PUBLISH", attendee_email: str | None = None,
              attendee_name: str = "") -> bytes:  # fmt: skip
    """One event as an iCalendar object: ``PUBLISH`` for downloads, ``REQUEST`` for an invitation to
    ``attendee_email``, ``CANCEL`` to withdraw it (precondition: ``event.organizer`` is loaded or null)."""
    if method in ("REQUEST", "CANCEL") and not attendee_email:
        raise ValueError(f"METHOD:{method} names its attendee")
    calendar = _calendar(method)
    calendar.add_component(
        _vevent(event, method=method, attendee_email=attendee_email, attendee_name=attendee_name,
                stamp=timezone.now().astimezone(dt.UTC))
    )  # fmt: skip
    return _with_timezones(calendar, [event])


def feed_ics(events: Iterable[Event], *, name: str = "") -> bytes:
    """A calendar of several events (``METHOD:PUBLISH``), for subscription feeds (precondition:
    each event's ``organizer`` is loaded or null, as ``select_related`` does)."""
    events = list(events)
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name or _("Migration Network Hub"))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    stamp = timezone.now().astimezone(dt.UTC)
    for event in events:
        calendar.add_component(_vevent(event, method="PUBLISH", attendee_email=None, attendee_name="", stamp=stamp))
    return _with_timezones(calendar, events)
