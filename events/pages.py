"""Reads for the event pages that the API does not need: taxonomy labels, the agenda grouped by day,
the month grid, the viewer's time zone, "Add to calendar" links, what an event page shows its
organizer. Each function makes a fixed number of queries whatever the data.
"""

import calendar as month_calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.callers import Caller
from accounts.models import User
from events.calendar import event_page_url
from events.feeds import feed_events
from events.invitees import invitations_of_event
from events.models import Event, Invitation
from events.selectors.events import EventQuery, EventWithCounts, events_listed
from events.services.events import timezone_known
from gcm import selectors as gcm_selectors

# The cookie ``static/events/timezone.js`` sets to the browser's zone (IANA name).
VIEWER_ZONE_COOKIE = "hub_tz"
AGENDA_PAGE_SIZE = 30
# A month shows at most this many events (a calendar cell lists a few; the agenda lists them all).
MONTH_EVENTS_MAX = 500


def viewer_zone(request: HttpRequest) -> str:
    """The zone to show times in: the browser's (cookie, set by a small script), else UTC."""
    name = unquote(request.COOKIES.get(VIEWER_ZONE_COOKIE, ""))
    return name if name and timezone_known(name) else "UTC"


@dataclass(frozen=True)
class TaxonomyLabels:
    objective: dict[str, str]
    region: dict[str, str]


def taxonomy_labels() -> TaxonomyLabels:
    """Objective and region names in the request's language: two queries."""
    return TaxonomyLabels(
        objective=gcm_selectors.objective_labels(),
        region=gcm_selectors.region_labels(),
    )


def event_query(*, objective: str, region: str, kind: str, upcoming: bool) -> EventQuery:
    return EventQuery(
        objectives=(objective,) if objective else (),
        regions=(region,) if region else (),
        kinds=(kind,) if kind else (),
        upcoming=upcoming,
    )


@dataclass
class AgendaDay:
    date: dt.date
    events: list["EventWithCounts"] = field(default_factory=list)


def by_day(events: Iterable["EventWithCounts"], zone: str) -> list[AgendaDay]:
    """Events grouped by their start date in ``zone``, in the order given."""
    tz = ZoneInfo(zone)
    days: list[AgendaDay] = []
    for event in events:
        date = event.starts_at.astimezone(tz).date()
        if not days or days[-1].date != date:
            days.append(AgendaDay(date))
        days[-1].events.append(event)
    return days


@dataclass(frozen=True)
class AgendaPage:
    days: list[AgendaDay]
    count: int
    number: int
    pages: int


def agenda_page(user: Caller, query: EventQuery, *, zone: str, number: int) -> AgendaPage:
    """One page of the list (soonest first when upcoming, latest first otherwise): two queries."""
    listed = events_listed(user, query)
    count = listed.count()
    pages = max(1, -(-count // AGENDA_PAGE_SIZE))
    number = min(max(1, number), pages)
    start = (number - 1) * AGENDA_PAGE_SIZE
    return AgendaPage(by_day(listed[start : start + AGENDA_PAGE_SIZE], zone), count, number, pages)


@dataclass(frozen=True)
class MonthCell:
    date: dt.date
    in_month: bool
    events: list["EventWithCounts"]


@dataclass(frozen=True)
class MonthGrid:
    first: dt.date
    weeks: list[list[MonthCell]]
    previous: str  # "YYYY-MM"
    next: str
    weekdays: list[dt.date]  # a Monday..Sunday week, for the column headers


def _month_key(date: dt.date) -> str:
    return f"{date.year:04d}-{date.month:02d}"


def month_grid(user: Caller, query: EventQuery, *, year: int, month: int, zone: str) -> MonthGrid:
    """The month's weeks (Monday first) with the events starting on each day in ``zone``: one query.

    ``query.upcoming`` is ignored: a month shows what happens in it, past or not."""
    tz = ZoneInfo(zone)
    first = dt.date(year, month, 1)
    weeks_of_dates = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = dt.datetime.combine(weeks_of_dates[0][0], dt.time(), tz)
    end = dt.datetime.combine(weeks_of_dates[-1][-1] + dt.timedelta(days=1), dt.time(), tz)
    listed = events_listed(user, EventQuery(objectives=query.objectives, regions=query.regions,
                                            kinds=query.kinds, statuses=query.statuses))  # fmt: skip
    in_range = listed.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
    by_date: dict[dt.date, list[EventWithCounts]] = {}
    for event in in_range[:MONTH_EVENTS_MAX]:
        by_date.setdefault(event.starts_at.astimezone(tz).date(), []).append(event)
    weeks = [[MonthCell(date, date.month == month, by_date.get(date, [])) for date in week]
             for week in weeks_of_dates]  # fmt: skip
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return MonthGrid(first, weeks, _month_key(previous), _month_key(following), weeks_of_dates[0])


def this_month(zone: str) -> tuple[int, int]:
    try:
        today = dt.datetime.now(ZoneInfo(zone)).date()
    except ZoneInfoNotFoundError:
        today = dt.datetime.now(dt.UTC).date()
    return today.year, today.month


def google_calendar_url(event: Event) -> str:
    """ "Add to Google Calendar": its event template link, times in UTC, the event's zone named."""

    def utc(moment: dt.datetime) -> str:
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    details = "\n\n".join(part for part in (event.description.strip(), event_page_url(event)) if part)
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{utc(event.starts_at)}/{utc(event.ends_at)}",
        "details": details[:1500],
        "location": event.location or event.online_url,
        "ctz": event.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def event_invitations(event: Event) -> list[Invitation]:
    """What the organizer sees on the invitation page: every invitation and its answer."""
    return list(invitations_of_event(event.pk))


def my_calendar_events(user: User) -> "QuerySet[Event]":
    """The events of the user's feed that have not ended: what the "My calendar" page lists."""
    return feed_events(user).filter(ends_at__gt=timezone.now())
