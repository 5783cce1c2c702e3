"""Reads of users that other apps need (mentions, invitations, moderation targets)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from hub.errors import ErrorCode, HubError


def user_named(username: str) -> User:
    """The active user with this username (any case); 404 ``not_found`` otherwise."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No user %(name)s.") % {"name": username})
    return user


def usernames_existing(candidates: list[str]) -> list[str]:
    """The candidates that name users, spelled as the users spell them, in the candidates' order."""
    if not candidates:
        return []
    any_of = Q()
    for candidate in candidates:
        any_of |= Q(username__iexact=candidate)
    found = {name.casefold(): name for name in User.objects.filter(any_of).values_list("username", flat=True)}
    return [found[name.casefold()] for name in candidates if name.casefold() in found]
