"""Writes for accounts: registration, authentication with throttling, tokens, profile."""

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.login_throttle import login_attempt_begin, login_attempt_succeeded
from accounts.models import User
from hub.errors import HubError


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
        raise HubError("duplicate", _("A user with that username or email already exists.")) from error
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
    return token.key


def user_update_profile(*, user: User, display_name: str | None = None, language: str | None = None) -> User:
    """Changes what is given; ``language`` is one of ``User.Language`` or "" (not chosen)."""
    changed = {"display_name": display_name, "language": language}
    fields = [field for field, value in changed.items() if value is not None]
    for field in fields:
        setattr(user, field, changed[field])
    if fields:
        user.save(update_fields=fields)
    return user
