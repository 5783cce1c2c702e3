"""Who may do what in a space. Every service and view goes through these checks.

Roles: an outsider cannot know a private space exists (404); a visitor reads a public space;
a member posts; a moderator (or any staff user) moderates. A ban removes read access too.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.callers import Caller
from accounts.models import User
from discussions.models import Ban, Membership, Message, Mute, Space, in_force
from hub.errors import ErrorCode, HubError

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# A socket's or caller's role in a space: the members' two, and the reader who has not joined.
VISITOR = "visitor"
MEMBER = Membership.Role.MEMBER.value
MODERATOR = Membership.Role.MODERATOR.value


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    role: str  # VISITOR, MEMBER or MODERATOR
    membership: Membership | None
    muted: bool = False
    muted_until: datetime | None = None

    @property
    def is_moderator(self) -> bool:
        return self.role == MODERATOR

    @property
    def is_member(self) -> bool:
        return self.role in (MEMBER, MODERATOR) and self.membership is not None


def not_found() -> HubError:
    return HubError(ErrorCode.NOT_FOUND, _("No such space."))


class CallerAnnotations(TypedDict):
    """What ``spaces_with_caller`` adds to each space."""

    caller_membership_id: int | None
    caller_role: str | None
    caller_last_read_seq: int
    caller_banned: bool
    caller_muted: bool
    caller_muted_until: datetime | None


SpaceWithCaller: TypeAlias = "WithAnnotations[Space, CallerAnnotations]"


def spaces_with_caller(user: Caller, *, now: datetime | None = None) -> "QuerySet[SpaceWithCaller]":
    """Spaces annotated with the caller's membership, ban and mute: access in one query.

    Posting is the hottest write on the Hub; reading all of this with the space row (and its
    lock) saves three round trips per message.
    """
    queryset = Space.objects.select_related("objective", "region")
    if not user.is_authenticated:
        return queryset.annotate(
            caller_membership_id=Value(None, output_field=IntegerField()),
            caller_role=Value(None, output_field=CharField()),
            caller_last_read_seq=Value(0, output_field=IntegerField()),
            caller_banned=Value(False, output_field=BooleanField()),
            caller_muted=Value(False, output_field=BooleanField()),
            caller_muted_until=Value(None, output_field=DateTimeField()),
        )
    now = now or timezone.now()
    membership = Membership.objects.filter(space=OuterRef("pk"), user=user)
    mute = Mute.objects.filter(in_force(now), space=OuterRef("pk"), user=user)
    return queryset.annotate(
        caller_membership_id=Subquery(membership.values("pk")[:1]),
        caller_role=Subquery(membership.values("role")[:1]),
        caller_last_read_seq=Subquery(membership.values("last_read_seq")[:1]),
        caller_banned=Exists(Ban.objects.filter(in_force(now), space=OuterRef("pk"), user=user)),
        caller_muted=Exists(mute),
        caller_muted_until=Subquery(mute.values("expires_at")[:1]),
    )


@dataclass(frozen=True)
class CallerFacts:
    """The caller's standing in one space, as read from the database."""

    membership_id: int | None = None
    role: str | None = None
    last_read_seq: int = 0
    banned: bool = False
    muted: bool = False
    muted_until: datetime | None = None


def access_from_facts(space: Space, user: Caller, facts: CallerFacts) -> SpaceAccess:
    """The caller's access; raises 404 for a private space they are not in, 403 if banned."""
    is_staff = getattr(user, "is_staff", False)
    membership = None
    # (Both facts come from the same row, and only a user has one.)
    if facts.membership_id is not None and facts.role is not None and isinstance(user, User):
        membership = Membership(
            pk=facts.membership_id, space=space, user=user, role=facts.role, last_read_seq=facts.last_read_seq
        )
    if space.is_private and membership is None and not is_staff:
        raise not_found()
    if facts.banned:
        raise HubError(ErrorCode.FORBIDDEN, _("You are banned from this space."))
    if is_staff or (membership is not None and membership.role == Membership.Role.MODERATOR):
        role = MODERATOR
    elif membership is not None:
        role = MEMBER
    else:
        role = VISITOR
    return SpaceAccess(space, role, membership, muted=facts.muted, muted_until=facts.muted_until)


def access_from_annotated(space: SpaceWithCaller, user: Caller) -> SpaceAccess:
    """Access from a space carrying the ``caller_*`` attributes of ``spaces_with_caller``."""
    facts = CallerFacts(
        membership_id=space.caller_membership_id,
        role=space.caller_role,
        last_read_seq=space.caller_last_read_seq,
        banned=space.caller_banned,
        muted=space.caller_muted,
        muted_until=space.caller_muted_until,
    )
    return access_from_facts(space, user, facts)


def space_access(*, space: Space, user: Caller) -> SpaceAccess:
    """The caller's access to ``space``; raises 404 for a private space they are not in, 403 if banned."""
    if not hasattr(space, "caller_banned"):
        return access_from_annotated(spaces_with_caller(user).get(pk=space.pk), user)
    # Already read through spaces_with_caller: mypy cannot narrow a Space by hasattr to that type.
    return access_from_annotated(cast("SpaceWithCaller", space), user)


def space_access_by_slug(*, slug: str, user: Caller, lock: bool = False) -> SpaceAccess:
    """With ``lock``, the space row stays locked until the transaction ends (it serializes posts)."""
    queryset = spaces_with_caller(user)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    space = queryset.filter(slug=slug).first()
    if space is None:
        raise not_found()
    return access_from_annotated(space, user)


def message_not_found() -> HubError:
    return HubError(ErrorCode.NOT_FOUND, _("No such message."))


def message_access(*, message: Message, user: Caller) -> SpaceAccess:
    """The caller's access to the space of ``message`` (loaded with its space); a message in a
    space the caller may not see does not exist for them (404, never 403)."""
    try:
        return space_access(space=message.space, user=user)
    except HubError as error:
        if error.status == 404:
            raise message_not_found() from error
        raise


def require_moderator(access: SpaceAccess) -> None:
    if not access.is_moderator:
        raise HubError(ErrorCode.FORBIDDEN, _("Only the space's moderators may do this."))


def require_member(access: SpaceAccess) -> None:
    if not access.is_member and not access.is_moderator:
        raise HubError(ErrorCode.NOT_MEMBER, _("Join the space first."))
