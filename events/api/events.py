"""The events REST API: thin views over ``events.services`` and ``events.selectors``."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from events.payloads.events import event_payload, organizer_grant_payload, rsvp_payload
from events.schema import events as o
from events.selectors.events import EventQuery, event_for_viewer, events_listed
from events.selectors.organizers import organizer_grants
from events.selectors.rsvp import rsvp_status
from events.serializers import events as s
from events.services.events import EventInvalid, event_cancel, event_create, event_publish, event_update
from events.services.organizers import organizer_grant, organizer_revoke
from events.services.rsvp import rsvp_respond
from hub.api import validated
from hub.openapi import api_errors
from hub.pagination import page_body, page_request

_T = TypeVar("_T")


def _checked(change: Callable[[], _T]) -> _T:
    """The service's verdict on fields together, as DRF's per-field 400."""
    try:
        return change()
    except EventInvalid as invalid:
        raise serializers.ValidationError(invalid.errors) from None


def _event_query(request: Request) -> EventQuery:
    params = request.query_params
    data: dict[str, Any] = {name: params.getlist(name) for name in s.EventQuerySerializer.LISTS if name in params}
    if "upcoming" in params:
        data["upcoming"] = params["upcoming"]
    query = validated(s.EventQuerySerializer, data)
    return EventQuery(
        objectives=tuple(query.get("objective", ())),
        regions=tuple(query.get("region", ())),
        kinds=tuple(query.get("kind", ())),
        statuses=tuple(query.get("status", ())),
        upcoming=query["upcoming"],
    )


def _event_response(request: Request, event_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(event_payload(event_for_viewer(event_id, request.user)), status=code)


class EventListView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="events_list",
        parameters=[s.EventQuerySerializer, o.PAGE, o.PAGE_SIZE],
        responses={200: o.EventListOut},
        description="Published events; an organizer also sees their own drafts and cancelled events, staff "
        'everything. Each list filter is repeated for "any of" (`objective=9&objective=10`). '
        "`upcoming=true`: only events that have not ended, soonest first; otherwise the latest start first.",
    )
    def get(self, request: Request) -> Response:
        query = _event_query(request)
        page = page_request(request)
        events = events_listed(request.user, query)
        count = events.count()
        results = [event_payload(event) for event in events[page.offset : page.offset + page.size]]
        return Response(page_body(request, page, count=count, results=results))

    @extend_schema(
        operation_id="event_create",
        request=s.EventCreateSerializer,
        responses={201: o.EventOut},
        description="Organizers (staff, or granted by staff) create a draft; others 403. It must end after it "
        "starts, start in the future, and have a location, an online link or both.",
    )
    @api_errors(403)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.EventCreateSerializer, request.data)
        event = _checked(lambda: event_create(organizer=request.user, **data))
        return _event_response(request, event.pk, code=status.HTTP_201_CREATED)


class EventDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="event_retrieve",
        responses={200: o.EventOut},
        description="Any event once published (cancelled ones too); a draft only for its organizer and staff "
        "(404 for anyone else).",
    )
    def get(self, request: Request, event_id: int) -> Response:
        return _event_response(request, event_id)

    @extend_schema(
        operation_id="event_update",
        request=s.EventChangeSerializer,
        responses={200: o.EventOut},
        description="The organizer or staff (others 403; a draft they cannot see 404); a cancelled event 409. "
        "Moving a published event's start tells its attendees; its `sequence` grows when its title, time, zone "
        "or place changes; a higher capacity offers the new seats to the waiting list.",
    )
    @api_errors(403, 409)
    def patch(self, request: AuthenticatedRequest, event_id: int) -> Response:
        changes = validated(s.EventChangeSerializer, request.data, partial=True)
        _checked(lambda: event_update(event_id, by=request.user, changes=changes))
        return _event_response(request, event_id)


class EventPublishView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_publish",
        request=None,
        responses={200: o.EventOut},
        description="Draft → published, and announced to every user subscribed to one of its objectives or "
        "regions (after the request returns). Again: no change. A cancelled event, or one whose start has "
        "passed: 409.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, event_id: int) -> Response:
        # The answer is read inside the publishing transaction: the announcement, queued at its commit,
        # starts at once (tens of thousands of rows written, then emails) and would otherwise compete
        # for the CPU with building this response (docs/benchmarks.md, "Announcements").
        with transaction.atomic():
            event_publish(event_id, by=request.user)
            return _event_response(request, event_id)


class EventCancelView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_cancel",
        request=None,
        responses={200: o.EventOut},
        description="Cancelled: everyone who answered yes or maybe, and every invitee, is told. Again: no change.",
    )
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, event_id: int) -> Response:
        event_cancel(event_id, by=request.user)
        return _event_response(request, event_id)


class EventRsvpView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_rsvp_retrieve",
        responses={200: o.RsvpOut},
        description="The caller's own answer and waiting-list entry.",
    )
    def get(self, request: AuthenticatedRequest, event_id: int) -> Response:
        return Response(rsvp_payload(rsvp_status(event_id=event_id, user=request.user)))

    @extend_schema(
        operation_id="event_rsvp",
        request=s.RsvpSerializer,
        responses={
            200: OpenApiResponse(o.RsvpOut, description="Answer recorded."),
            202: OpenApiResponse(
                o.RsvpOut,
                description="The event is full and `waitlist` was true: the caller is on the waiting list "
                "(`waitlist.position`). A freed seat is offered to the first in line and held for them "
                "(`EVENT_SEAT_OFFER_HOURS`, 48 h by default); answering yes within that time takes it.",
            ),
        },
        description="Yes, no or maybe to a published event that has not ended (a cancelled or ended one: 409 "
        "`conflict`). A yes when every seat is taken: 409 `event_full`, or with `waitlist: true` a place on the "
        "waiting list (202). No or maybe frees the caller's seat and leaves the waiting list.",
    )
    @api_errors(409)
    def post(self, request: AuthenticatedRequest, event_id: int) -> Response:
        data = validated(s.RsvpSerializer, request.data)
        outcome = rsvp_respond(event_id=event_id, user=request.user, **data)
        code = status.HTTP_202_ACCEPTED if outcome.waitlisted else status.HTTP_200_OK
        return Response(rsvp_payload(rsvp_status(event_id=event_id, user=request.user)), status=code)


class OrganizerGrantListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_organizers_list",
        parameters=[o.PAGE, o.PAGE_SIZE],
        responses={200: o.OrganizerGrantListOut},
        description="Staff: the users granted the organizer role, newest first (staff organize without a grant).",
    )
    @api_errors(403)
    def get(self, request: AuthenticatedRequest) -> Response:
        page = page_request(request)
        grants = organizer_grants(by=request.user)
        results = [organizer_grant_payload(grant) for grant in grants[page.offset : page.offset + page.size]]
        return Response(page_body(request, page, count=grants.count(), results=results))

    @extend_schema(
        operation_id="event_organizer_grant",
        request=s.OrganizerGrantSerializer,
        responses={
            201: OpenApiResponse(o.OrganizerGrantOut, description="Granted."),
            200: OpenApiResponse(o.OrganizerGrantOut, description="Already granted: the first grant."),
        },
        description="Staff let a user organize events (others 403; an unknown username 400).",
    )
    @api_errors(403)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.OrganizerGrantSerializer, request.data)
        outcome = organizer_grant(username=data["username"], by=request.user)
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(organizer_grant_payload(outcome.grant), status=code)


class OrganizerGrantDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_organizer_revoke",
        responses={204: None},
        description="Staff withdraw a grant (404 when there is none). The user's events stay; staff change them.",
    )
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, username: str) -> Response:
        organizer_revoke(username=username, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
