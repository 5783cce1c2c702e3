"""Who may do what in a space. Every service and view goes through these checks.

Roles: an outsider cannot know a private space exists (404); a visitor reads a public space;
a member posts; a moderator (or any staff user) moderates. A ban removes read access too.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from discussions import selectors
from discussions.models import Membership, Space
from hub.errors import HubError

VISITOR = "visitor"
MEMBER = "member"
MODERATOR = "moderator"


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    role: str  # VISITOR, MEMBER or MODERATOR
    membership: Membership | None

    @property
    def is_moderator(self) -> bool:
        return self.role == MODERATOR

    @property
    def is_member(self) -> bool:
        return self.role in (MEMBER, MODERATOR) and self.membership is not None


def not_found() -> HubError:
    return HubError("not_found", _("No such space."), status=404)


def space_access(*, space: Space, user) -> SpaceAccess:
    """The caller's access to ``space``; raises 404 for a private space they are not in, 403 if banned."""
    membership = selectors.membership_of(space, user)
    if space.is_private and membership is None and not getattr(user, "is_staff", False):
        raise not_found()
    if selectors.ban_of(space, user) is not None:
        raise HubError("forbidden", _("You are banned from this space."), status=403)
    if getattr(user, "is_staff", False) or (membership is not None and membership.role == Membership.Role.MODERATOR):
        role = MODERATOR
    elif membership is not None:
        role = MEMBER
    else:
        role = VISITOR
    return SpaceAccess(space=space, role=role, membership=membership)


def space_access_by_slug(*, slug: str, user, lock: bool = False) -> SpaceAccess:
    queryset = Space.objects.select_related("objective", "region")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    space = queryset.filter(slug=slug).first()
    if space is None:
        raise not_found()
    return space_access(space=space, user=user)


def require_moderator(access: SpaceAccess) -> None:
    if not access.is_moderator:
        raise HubError("forbidden", _("Only the space's moderators may do this."), status=403)


def require_member(access: SpaceAccess) -> None:
    if not access.is_member and not access.is_moderator:
        raise HubError("not_member", _("Join the space first."), status=403)
