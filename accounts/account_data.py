"""The account's own personal data in the data-rights registry (``accounts.personal_data``):
the account itself in the export; API tokens, login throttle rows and admin log entries about
the account in the erasure. The user row itself is scrubbed last, by ``accounts.erasure``."""

from collections.abc import Iterator, Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from accounts.models import LoginAttempt, LoginLockout, User
from accounts.personal_data import iso, register_eraser, register_export, register_kept_reference
from accounts.services import token_revoke


def account_items(user: User) -> Iterator[Mapping[str, Any]]:
    yield {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "is_staff": user.is_staff,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "has_api_token": Token.objects.filter(user=user).exists(),
    }


def account_erase(user: User) -> None:
    """Tokens, login throttle rows and admin history; the groups and permissions go with the
    row's scrub (``accounts.erasure``)."""
    # Deleting the token closes the sockets opened with it (4401), after commit.
    token_revoke(user=user)
    username = user.username.lower()
    LoginAttempt.objects.filter(username__iexact=username).delete()
    LoginLockout.objects.filter(username__iexact=username).delete()
    # The admin's history of changes to this account names it in ``object_repr``.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
        object_repr=f"deleted-{user.pk}", change_message=""
    )


register_export(
    "account",
    items=account_items,
    single=True,
    description=_("Your account."),
    fields={
        "id": _("The account's number."),
        "username": _("Your username."),
        "email": _("Your email address."),
        "display_name": _("The name shown beside your messages."),
        "first_name": _("Your first name, if an administrator recorded one."),
        "last_name": _("Your last name, if an administrator recorded one."),
        "language": _("The language you chose for pages and emails (empty: not chosen)."),
        "is_staff": _("Whether you are a member of staff."),
        "date_joined": _("When the account was created."),
        "last_login": _("When you last logged in."),
        "has_api_token": _("Whether you have an API token (the token itself is not exported)."),
    },
    order=0,
)
register_eraser(
    "accounts",
    erase=account_erase,
    handles=["authtoken.Token.user", "accounts.User_groups.user", "accounts.User_user_permissions.user"],
    order=0,
)
register_kept_reference(
    "admin.LogEntry.user",
    reason=_("The administration log keeps what a staff member changed, attributed to the deleted account."),
)
