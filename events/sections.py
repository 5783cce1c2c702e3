"""What the events app adds to other apps' pages: the objective page's Events section and its counter
(``counts.events`` there and in ``GET /api/v1/objectives/{key}/``: upcoming published events).
Called once from ``EventsConfig.ready()``.

The counter runs before the sections render, so the section takes its "See all N" from ``counts``
and makes one query of its own (the next few events, their organizers joined).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest

from events.models import Event
from events.paths import event_path, events_list_path
from events.selectors.events import upcoming_published_events
from gcm.counts import register_objective_counter, register_objective_section
from gcm.models import Objective

# Between the Documents (20) and Repository of Practices (25) sections and Projects (40).
EVENTS_SECTION_ORDER = 30
OBJECTIVE_SECTION_EVENTS = 5


@dataclass(frozen=True)
class EventRow:
    """One upcoming event as the section lists it: its start in the event's own zone."""

    event: Event
    url: str
    starts_local: datetime
    ends_local: datetime


def event_row(event: Event) -> EventRow:
    zone = ZoneInfo(event.timezone)
    return EventRow(event, event_path(event.pk), event.starts_at.astimezone(zone), event.ends_at.astimezone(zone))


def events_section_context(request: HttpRequest, page: Mapping[str, Any]) -> Mapping[str, Any]:
    objective: Objective = page["objective"]
    events = upcoming_published_events(objective=objective.key, limit=OBJECTIVE_SECTION_EVENTS)
    return {
        "event_rows": [event_row(event) for event in events],
        "event_count": page["counts"]["events"],
        "see_all_url": f"{events_list_path()}?{urlencode({'objective': objective.key, 'upcoming': 'true'})}",
    }


def register_sections() -> None:
    register_objective_counter("events", lambda objective: upcoming_published_events(objective=objective.key).count())
    register_objective_section("events/_objective_events.html", events_section_context, order=EVENTS_SECTION_ORDER)
