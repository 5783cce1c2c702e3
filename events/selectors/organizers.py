"""Reads of the organizer grants (staff see them)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import OrganizerGrant
from hub.errors import ErrorCode, HubError


def organizer_grants(*, by: User) -> QuerySet[OrganizerGrant]:
    """Every grant, newest first, with the users joined; staff only (403)."""
    if not by.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff see the organizer grants."))
    return OrganizerGrant.objects.select_related("user", "granted_by").order_by("-created_at", "-pk")
