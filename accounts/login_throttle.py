"""Login throttling per username: after too many failed logins, every attempt answers 429.

The rule (settings ``LOGIN_FAILURE_LIMIT``, ``..._WINDOW_SECONDS``, ``LOGIN_LOCKOUT_SECONDS``):
after 5 failed logins for a username within 30 minutes, further attempts answer 429 for 30
minutes. Usernames that do not exist are counted the same way, so the answer never tells
whether an account exists.

An attempt is recorded *before* the password is checked, and the count is read after that
insert; parallel guesses therefore each see the others, and a burst cannot slip more than the
limit past the check (a check-then-record scheme would let every request of a burst through).
"""

import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LoginAttempt, LoginLockout
from hub.errors import ErrorCode, HubError


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()[:150]


def login_attempt_begin(username: str) -> None:
    """Record an attempt for ``username``; raise a 429 ``HubError`` if it is locked out."""
    key = normalize_username(username)
    now = timezone.now()
    lockout = LoginLockout.objects.filter(username=key, until__gt=now).first()
    if lockout is not None:
        raise _locked_out(lockout.until - now)
    LoginAttempt.objects.create(username=key)
    window_start = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    attempts = LoginAttempt.objects.filter(username=key, created_at__gt=window_start).count()
    if attempts > settings.LOGIN_FAILURE_LIMIT:
        duration = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        _lock(key, until=now + duration)
        raise _locked_out(duration)


def login_attempt_succeeded(username: str) -> None:
    """A correct password forgives the earlier failures of that username."""
    LoginAttempt.objects.filter(username=normalize_username(username)).delete()


def prune_login_attempts() -> int:
    """Delete attempts and lockouts too old to matter; returns how many rows went."""
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    attempts, _ = LoginAttempt.objects.filter(created_at__lte=window_start).delete()
    lockouts, _ = LoginLockout.objects.filter(until__lte=now).delete()
    return attempts + lockouts


def _lock(key: str, *, until: datetime) -> None:
    # The attempts stay: deleting them would let parallel attempts that already passed the
    # lockout check count from zero. They age out of the window as the lockout runs out.
    try:
        with transaction.atomic():
            LoginLockout.objects.update_or_create(username=key, defaults={"until": until})
    except IntegrityError:
        pass  # a parallel attempt created the same lockout first


def _locked_out(remaining: timedelta) -> HubError:
    retry_after = max(1, int(remaining.total_seconds() + 0.999))
    return HubError(
        ErrorCode.THROTTLED,
        _("Too many failed logins for this username. Try again in %(minutes)d minutes.")
        % {"minutes": max(1, round(retry_after / 60))},
        status=429,
        retry_after=retry_after,
    )
