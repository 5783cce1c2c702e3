"""The event as an iCalendar file, and the caller's personal calendar feed URL."""

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from events.calendar import event_ics
from events.feeds import calendar_feed_of, calendar_feed_reset
from events.payloads.invitations import calendar_feed_payload
from events.schema import invitations as o
from events.selectors.events import event_for_viewer

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


class ICalendarRenderer(renderers.BaseRenderer):
    """Lets calendar clients that ask for ``text/calendar`` (only) through content negotiation; the
    view answers with the calendar itself, and an error is written as JSON text."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:  # fmt: skip
        return data if isinstance(data, bytes) else json.dumps(data).encode()


def ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class EventIcsView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [renderers.JSONRenderer, ICalendarRenderer]

    @extend_schema(
        operation_id="event_ics",
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="RFC 5545, METHOD:PUBLISH.")},
        description="The event as an iCalendar file: a stable UID and a SEQUENCE that grows when it changes, "
        "so importing it again updates the calendar entry. Visible like the event (a draft only to its "
        "organizer and staff, else 404).",
    )
    def get(self, request: Request, event_id: int) -> HttpResponse:
        event = event_for_viewer(event_id, request.user)
        return ics_response(event_ics(event), filename=f"event-{event.pk}.ics")


class CalendarFeedView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_calendar_feed",
        responses={200: o.CalendarFeedOut},
        description="The caller's personal calendar feed URL (made on first request): every event they said "
        "yes to, and the invitations they accepted. Subscribe to it in a calendar app; it needs no login.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(calendar_feed_payload(calendar_feed_of(user=request.user)))


class CalendarFeedResetView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_calendar_feed_reset",
        request=None,
        responses={200: o.CalendarFeedOut},
        description="A new secret feed URL; the old one stops working at once.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        return Response(calendar_feed_payload(calendar_feed_reset(user=request.user)))
