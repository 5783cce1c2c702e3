"""Erasing an account (``DELETE /api/v1/me/``): every app's personal data, then the user row scrubbed.

The row is kept rather than deleted, as Zulip does: messages (``PROTECT``) and reactions keep
their author, each space's seq stays without a gap, and the foreign keys of other people's
records (a moderation log, an invitation they sent) stay valid. What identifies the person goes:
username ``deleted-<id>``, an address at ``deleted.invalid`` (a reserved name that never
receives mail; unique, as the table's constraint asks), no names, an unusable password, no
staff rights, groups or permissions, ``is_active`` off and ``erased_at`` set (shown as the
translated "Deleted user", ``User.shown_name``).

Everything happens in one transaction, with the user row locked first: the erasers registered
in ``accounts.personal_data`` (in their order), then the scrub. What sockets must hear is
published after commit by the erasers (tokens: 4401 through ``token_revoke``; the user's spaces
and notification stream: 4401) and here (every socket opened with one of the user's sessions,
whichever stream: 4401, by the session credential, ``accounts.session_credentials``). Sessions
end with it: a session remembers the password's hash (``get_session_auth_hash``), which the
unusable password changed, and an inactive user is not authenticated by the model backend; the
request's own session is flushed by the view.
"""

import re

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import erasers
from accounts.services import user_authenticate
from accounts.session_credentials import session_credential
from realtime.codes import CloseCode
from realtime.envelopes import credential_envelope
from realtime.publish import publish_on_commit

ERASED_PREFIX = "deleted-"
ERASED_EMAIL_DOMAIN = "deleted.invalid"


def erased_username(user: User) -> str:
    return f"{ERASED_PREFIX}{user.pk}"


# What an @-mention of a group of experts looks like (experts.questions): no account may be named so,
# or a mention meant for the group would also tell that account.
_EXPERT_GROUP = re.compile(r"(?:objective-\d+|general)-experts")


def is_reserved_username(username: str) -> bool:
    """``deleted-<digits>`` names erased accounts and ``objective-9-experts`` a group of experts:
    nobody may register one."""
    lowered = username.lower()
    if _EXPERT_GROUP.fullmatch(lowered):
        return True
    return lowered.startswith(ERASED_PREFIX) and lowered.removeprefix(ERASED_PREFIX).isdigit()


def password_confirms(*, user: User, password: str) -> bool:
    """The caller's own password, checked under the login throttle (a 429 ``HubError`` when locked)."""
    if not password or not user.has_usable_password():
        return False
    confirmed = user_authenticate(request=None, username=user.username, password=password)
    return confirmed is not None and confirmed.pk == user.pk


def user_erase(*, user_id: int) -> None:
    """Erase the account's personal data and scrub its row, in one transaction. Erasing an
    account already erased changes nothing."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.erased_at is not None:
            return
        # Named before the scrub changes the password's hash: sockets opened with a session carry it.
        session_sockets = session_credential(user)
        for eraser in erasers():
            eraser.erase(user)
        _scrub(user)
        publish_on_commit(credential_envelope(session_sockets, CloseCode.UNAUTHENTICATED))


def _scrub(user: User) -> None:
    user.username = erased_username(user)
    user.email = f"{user.username}@{ERASED_EMAIL_DOMAIN}"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.language = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
