"""Bans and mutes. A ban closes the user's sockets on the space at once, on every server process."""

from datetime import datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_named
from discussions.models import Ban, Membership, ModerationAction, Mute
from discussions.services.access import SpaceAccess, require_moderator, space_access_by_slug
from discussions.streams import space_close_envelope
from hub.errors import ErrorCode, HubError
from realtime.publish import publish_on_commit

MAX_MINUTES = 60 * 24 * 366

_Restriction = TypeVar("_Restriction", Ban, Mute)


def _expiry(minutes: int | None, *, required: bool) -> datetime | None:
    if minutes is None:
        if required:
            raise HubError(ErrorCode.INVALID, _("Say for how many minutes."))
        return None
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
        raise HubError(ErrorCode.INVALID, _("minutes must be between 1 and %(max)d.") % {"max": MAX_MINUTES})
    return timezone.now() + timedelta(minutes=minutes)


def _target(access: SpaceAccess, username: str) -> User:
    target = user_named(username)
    is_moderator = Membership.objects.filter(space=access.space, user=target, role=Membership.Role.MODERATOR).exists()
    if target.is_staff or is_moderator:
        raise HubError(ErrorCode.FORBIDDEN, _("Moderators and staff cannot be banned or muted."))
    return target


def _restrict(
    model: type[_Restriction],
    kind: str,
    *,
    slug: str,
    moderator: User,
    username: str,
    reason: str,
    minutes: int | None,
    expires_at: datetime | None,
) -> _Restriction:
    """Ban or mute (``model``) a user in a space, logged as ``kind``."""
    access = space_access_by_slug(slug=slug, user=moderator)
    require_moderator(access)
    target = _target(access, username)
    restriction, _created = model.objects.update_or_create(
        space=access.space, user=target, defaults={"reason": reason, "created_by": moderator, "expires_at": expires_at}
    )
    ModerationAction.objects.create(
        space=access.space, actor=moderator, kind=kind, target_user=target, reason=reason, details={"minutes": minutes}
    )
    return restriction


def _lift(model: type[Ban | Mute], kind: str, *, slug: str, moderator: User, username: str, missing: str) -> None:
    access = space_access_by_slug(slug=slug, user=moderator)
    require_moderator(access)
    target = user_named(username)
    if not model.objects.filter(space=access.space, user=target).delete()[0]:
        raise HubError(ErrorCode.NOT_FOUND, missing % {"name": username})
    ModerationAction.objects.create(space=access.space, actor=moderator, kind=kind, target_user=target)


def ban_create(*, slug: str, moderator: User, username: str, reason: str = "", minutes: int | None = None) -> Ban:
    expires_at = _expiry(minutes, required=False)
    with transaction.atomic():
        ban = _restrict(
            Ban,
            ModerationAction.Kind.BAN,
            slug=slug,
            moderator=moderator,
            username=username,
            reason=reason,
            minutes=minutes,
            expires_at=expires_at,
        )
        publish_on_commit(space_close_envelope(ban.space_id, ban.user_id))
    return ban


def ban_remove(*, slug: str, moderator: User, username: str) -> None:
    with transaction.atomic():
        _lift(
            Ban,
            ModerationAction.Kind.UNBAN,
            slug=slug,
            moderator=moderator,
            username=username,
            missing=_("%(name)s is not banned here."),
        )


def mute_create(*, slug: str, moderator: User, username: str, minutes: int | None, reason: str = "") -> Mute:
    expires_at = _expiry(minutes, required=True)
    with transaction.atomic():
        return _restrict(
            Mute,
            ModerationAction.Kind.MUTE,
            slug=slug,
            moderator=moderator,
            username=username,
            reason=reason,
            minutes=minutes,
            expires_at=expires_at,
        )


def mute_remove(*, slug: str, moderator: User, username: str) -> None:
    with transaction.atomic():
        _lift(
            Mute,
            ModerationAction.Kind.UNMUTE,
            slug=slug,
            moderator=moderator,
            username=username,
            missing=_("%(name)s is not muted here."),
        )
