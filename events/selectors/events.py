"""Reads of events, with what their payloads show already counted in the same query.

Every event a list or a page shows carries its attendee count (yes answers of accounts and of invited
addresses without an account), its waiting list's length, the seats held by open offers and the
caller's own answer as correlated subqueries, and its organizer joined: a page of 50 events is one
query (plus the count).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.callers import Caller
from events.models import Event, Invitation, Rsvp, RsvpResponse, WaitlistEntry
from events.selectors.access import events_visible_filter, not_found

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class EventCounts(TypedDict):
    attendee_count: int
    waitlist_count: int
    offers_open: int
    my_rsvp: str | None


EventWithCounts: TypeAlias = "WithAnnotations[Event, EventCounts]"


@dataclass(frozen=True)
class EventQuery:
    """``GET /events/``: each tuple is "any of"; empty means no filter."""

    objectives: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    upcoming: bool = False


def _count_of(queryset: "QuerySet[Rsvp] | QuerySet[WaitlistEntry] | QuerySet[Invitation]") -> Coalesce:
    counted = queryset.order_by().values("event_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(queryset: QuerySet[Event], user: Caller, *, now: datetime | None = None) -> "QuerySet[EventWithCounts]":
    """``queryset`` with the organizer joined and ``EventCounts`` annotated."""
    now = now or timezone.now()
    rsvps = Rsvp.objects.filter(event_id=OuterRef("pk"))
    entries = WaitlistEntry.objects.filter(event_id=OuterRef("pk"))
    mine: Subquery | Value
    if user.is_authenticated:
        mine = Subquery(rsvps.filter(user_id=user.pk).values("response")[:1], output_field=CharField())
    else:
        mine = Value(None, output_field=CharField())
    annotated = queryset.select_related("organizer").annotate(
        # Accounts' yes answers and those of invited addresses without an account (each holds a seat).
        attendee_count=_count_of(rsvps.filter(response=RsvpResponse.YES))
        + _count_of(Invitation.objects.filter(event_id=OuterRef("pk"), user__isnull=True, response=RsvpResponse.YES)),
        waitlist_count=_count_of(entries.filter(state=WaitlistEntry.State.WAITING)),
        offers_open=_count_of(entries.filter(state=WaitlistEntry.State.OFFERED, offer_expires_at__gt=now)),
        my_rsvp=mine,
    )
    return cast("QuerySet[EventWithCounts]", annotated)


def events_visible_to(user: Caller, *, now: datetime | None = None) -> "QuerySet[EventWithCounts]":
    return with_counts(Event.objects.filter(events_visible_filter(user)), user, now=now)


def events_listed(user: Caller, query: EventQuery, *, now: datetime | None = None) -> "QuerySet[EventWithCounts]":
    """The events list: published ones; an organizer's own drafts and cancelled ones too; staff all.

    Upcoming (not ended yet) events come soonest first; without ``upcoming`` the latest start
    comes first (an archive reads backwards).
    """
    now = now or timezone.now()
    # Cancelled events stay readable on their own (``event_for_viewer``) but leave the list, except
    # for their organizer and staff.
    listed = Q(status=Event.Status.PUBLISHED)
    if user.is_authenticated:
        listed = Q() if user.is_staff else listed | Q(organizer_id=user.pk)
    queryset = Event.objects.filter(listed)
    if query.objectives:
        queryset = queryset.filter(objectives__overlaps=list(query.objectives))
    if query.regions:
        queryset = queryset.filter(regions__overlaps=list(query.regions))
    if query.kinds:
        queryset = queryset.filter(kind__in=query.kinds)
    if query.statuses:
        queryset = queryset.filter(status__in=query.statuses)
    if query.upcoming:
        queryset = queryset.filter(ends_at__gt=now).order_by("starts_at", "pk")
    else:
        queryset = queryset.order_by("-starts_at", "-pk")
    return with_counts(queryset, user, now=now)


def event_for_viewer(event_id: int, user: Caller) -> "EventWithCounts":
    """The event with its counts; 404 ``not_found`` if it does not exist or ``user`` may not see it."""
    event = events_visible_to(user).filter(pk=event_id).first()
    if event is None:
        raise not_found()
    return event


def upcoming_published_events(*, objective: str | None = None, limit: int | None = None) -> QuerySet[Event]:
    """Published events that have not ended, soonest first (the objective page, the demo's checks)."""
    queryset = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=timezone.now())
    if objective is not None:
        queryset = queryset.filter(objectives__overlaps=[objective])
    queryset = queryset.select_related("organizer").order_by("starts_at", "pk")
    return queryset[:limit] if limit is not None else queryset
