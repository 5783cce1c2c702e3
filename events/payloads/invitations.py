"""The JSON shapes of invitations and of the personal calendar feed (declared for the OpenAPI document
in ``events/schema/invitations.py``)."""

from datetime import datetime
from typing import TypedDict

from events.feeds import calendar_feed_url
from events.models import CalendarFeed, Invitation
from events.services.invitations import InvitationsOutcome


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


class InvitationPayload(TypedDict):
    id: int
    email: str
    username: str | None
    response: str
    responded_at: str | None
    created_at: str


class InvitedPayload(InvitationPayload):
    new: bool


class InvitationsCreatedPayload(TypedDict):
    invitations: list[InvitedPayload]
    created: int


class CalendarFeedPayload(TypedDict):
    url: str


def invitation_payload(invitation: Invitation) -> InvitationPayload:
    """Precondition: ``invitation.user`` is loaded (or null)."""
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "username": invitation.user.username if invitation.user is not None else None,
        "response": invitation.response,
        "responded_at": _iso(invitation.responded_at),
        "created_at": _iso(invitation.created_at) or "",
    }


def invitations_created_payload(outcome: InvitationsOutcome) -> InvitationsCreatedPayload:
    new = {invitation.pk for invitation in outcome.created}
    return {
        "invitations": [{**invitation_payload(i), "new": i.pk in new} for i in outcome.invitations],
        "created": len(outcome.created),
    }


def calendar_feed_payload(feed: CalendarFeed) -> CalendarFeedPayload:
    return {"url": calendar_feed_url(feed)}
