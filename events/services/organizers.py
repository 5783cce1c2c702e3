"""Staff let users organize events (``OrganizerGrant``), and take that back.

A user whose grant is withdrawn keeps the events they organized (staff can still change them) but
no longer creates or changes events.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_named
from events.models import OrganizerGrant
from hub.errors import ErrorCode, HubError


def _require_staff(by: User) -> None:
    if not by.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff grant or withdraw the organizer role."))


@dataclass(frozen=True)
class GrantOutcome:
    grant: OrganizerGrant
    created: bool


def organizer_grant(*, username: str, by: User) -> GrantOutcome:
    """Make the user named ``username`` an organizer (staff only). Granting twice keeps the first grant."""
    _require_staff(by)
    try:
        user = user_named(username)
    except HubError as error:
        raise HubError(ErrorCode.INVALID, error.detail) from None
    existing = OrganizerGrant.objects.select_related("user", "granted_by").filter(user=user).first()
    if existing is not None:
        return GrantOutcome(existing, created=False)
    try:
        with transaction.atomic():
            grant = OrganizerGrant.objects.create(user=user, granted_by=by)
    except IntegrityError:
        # Granted meanwhile by another request: the same outcome.
        return GrantOutcome(OrganizerGrant.objects.select_related("user", "granted_by").get(user=user), created=False)
    return GrantOutcome(grant, created=True)


def organizer_revoke(*, username: str, by: User) -> None:
    """Withdraw a grant (staff only); 404 when the user holds none."""
    _require_staff(by)
    deleted, _counts = OrganizerGrant.objects.filter(user__username__iexact=username).delete()
    if not deleted:
        raise HubError(ErrorCode.NOT_FOUND, _("%(name)s holds no organizer grant.") % {"name": username})
