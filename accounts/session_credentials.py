"""What a socket opened with a browser session carries, so that a password change closes it.

A session stays valid while its stored hash of the password matches the user's
(``get_session_auth_hash``): Django logs a session out at its next request once the password has
changed. A socket makes no further requests, so it carries a *credential* naming that hash (a
digest of it: credentials travel through Redis) and closes with 4401 when the hash is no longer
the user's: at once through the envelope ``accounts.passwords.password_change`` publishes, and at
the next access re-check (``realtime.fanout``) whatever changed the password (the admin,
``manage.py changepassword``) or deactivated or erased the user.
"""

import hashlib
from collections.abc import Iterable

from accounts.models import User

PREFIX = "session:"


def session_credential(user: User) -> str:
    digest = hashlib.sha256(user.get_session_auth_hash().encode()).hexdigest()[:32]
    return f"{PREFIX}{user.pk}:{digest}"


def sessions_revoked(credentials: Iterable[str]) -> set[str]:
    """Of these socket credentials, the session ones no longer valid: the password changed, or the
    user was deactivated or is gone. (A credential check for ``realtime.credentials``.)"""
    wanted = {credential for credential in credentials if credential.startswith(PREFIX)}
    if not wanted:
        return set()
    user_ids = {int(credential.split(":")[1]) for credential in wanted}
    users = User.objects.filter(pk__in=user_ids, is_active=True).only("pk", "password")
    return wanted - {session_credential(user) for user in users}
