"""Writes for accounts: registration, authentication with throttling, tokens, profile."""

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.login_throttle import login_attempt_begin, login_attempt_succeeded
from accounts.models import User
from accounts.socket_auth import token_credential
from hub.errors import ErrorCode, HubError
from realtime.codes import CloseCode
from realtime.envelopes import credential_envelope
from realtime.publish import publish_on_commit


def user_register(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """Create a user; the caller has validated the password and checked uniqueness.

    The case-insensitive unique constraints still decide a race between two registrations.
    """
    try:
        with transaction.atomic():
            user = User(username=username, email=email, display_name=display_name)
            user.set_password(password)
            user.save()
    except IntegrityError as error:
        raise HubError(ErrorCode.DUPLICATE, _("A user with that username or email already exists.")) from error
    return user


def user_authenticate(*, request: HttpRequest | None, username: str, password: str) -> User | None:
    """Check a username and password under the login throttle (raises a 429 ``HubError``)."""
    login_attempt_begin(username)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        login_attempt_succeeded(username)
    return user


def token_for(user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    key: str = token.key  # drf-stubs leave the field untyped
    return key


def token_revoke(*, user: User) -> bool:
    """Delete the user's API token; after commit, every socket opened with it is closed with 4401
    on every server process. False if the user had no token."""
    with transaction.atomic():
        keys = list(Token.objects.select_for_update().filter(user=user).values_list("key", flat=True))
        Token.objects.filter(user=user).delete()
        for key in keys:
            publish_on_commit(credential_envelope(token_credential(user.pk, key), CloseCode.UNAUTHENTICATED))
    return bool(keys)


def tokens_revoked(credentials: set[str]) -> set[str]:
    """Of these socket credentials, the token ones whose token no longer exists (or whose user
    was deactivated): the periodic re-check behind the revocation envelope."""
    wanted = {credential for credential in credentials if credential.startswith("token:")}
    if not wanted:
        return set()
    user_ids = {int(credential.split(":")[1]) for credential in wanted}
    tokens = Token.objects.filter(user_id__in=user_ids, user__is_active=True).values_list("user_id", "key")
    return wanted - {token_credential(user_id, key) for user_id, key in tokens}


def user_update_profile(*, user: User, display_name: str | None = None, language: str | None = None) -> User:
    """Changes what is given; ``language`` is one of ``User.Language`` or "" (not chosen)."""
    changed = {"display_name": display_name, "language": language}
    fields = [field for field, value in changed.items() if value is not None]
    for field in fields:
        setattr(user, field, changed[field])
    if fields:
        user.save(update_fields=fields)
    return user
