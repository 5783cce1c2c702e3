"""Invitations REST API: thin views over ``events.services.invitations`` and ``events.invitees``."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from events.invitees import invitations_of_event
from events.payloads.invitations import invitation_payload, invitations_created_payload
from events.schema import invitations as o
from events.selectors.access import require_manageable
from events.selectors.events import event_for_viewer
from events.serializers.invitations import InvitationsCreateSerializer
from events.services.invitations import invitations_create
from hub.api import validated
from hub.openapi import api_errors
from hub.pagination import page_body, page_request


class EventInvitationsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="event_invitations_list",
        responses={200: o.EventInvitationListOut},
        description="The event's invitations, oldest first, with each invitee's answer (its organizer and staff).",
    )
    @api_errors(403)
    def get(self, request: AuthenticatedRequest, event_id: int) -> Response:
        event = event_for_viewer(event_id, request.user)
        require_manageable(event, request.user)
        page = page_request(request)
        invitations = invitations_of_event(event.pk)
        rows = invitations[page.offset : page.offset + page.size]
        return Response(page_body(request, page, count=invitations.count(),
                                  results=[invitation_payload(invitation) for invitation in rows]))  # fmt: skip

    @extend_schema(
        operation_id="event_invite",
        request=InvitationsCreateSerializer,
        responses={201: o.EventInvitationsCreatedOut, 200: o.EventInvitationsCreatedOut},
        description="Invite users (by username) and addresses (an address with an account invites that "
        "account) to a published event: each new invitee gets one email with an answer link and the event "
        "as iCalendar (METHOD:REQUEST), users also a notification. An address invited before gets nothing "
        "new. 201 when at least one invitation is new, else 200. Unknown usernames or malformed addresses: "
        "400 with per-field errors, and nobody is invited.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, event_id: int) -> Response:
        data = validated(InvitationsCreateSerializer, request.data)
        outcome = invitations_create(event_id=event_id, by=request.user, invitees=data["invitees"])
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(invitations_created_payload(outcome), status=code)
