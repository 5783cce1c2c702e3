"""One-click unsubscribe links (RFC 8058): a signed token names the user and what they leave.

The token is Django's ``signing`` with a salt of its own, so a token made for anything else (a
password reset, another purpose) never unsubscribes anyone. It does not expire: an old email's
link must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "notifications.unsubscribe"
# What a token unsubscribes from: today only every notification email; digests may add their own.
PURPOSE_NOTIFICATION_EMAIL = "notification_email"


def unsubscribe_token(*, user_id: int, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> str:
    return signing.dumps({"u": user_id, "p": purpose}, salt=_SALT)


def unsubscribe_token_user_id(token: str, *, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> int | None:
    """The user a token for ``purpose`` names, or None when it is forged, damaged or for another purpose."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("u"), int):
        return None
    return int(data["u"])


def unsubscribe_url(*, user_id: int, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> str:
    """The absolute link for emails (``List-Unsubscribe`` and the footer)."""
    token = unsubscribe_token(user_id=user_id, purpose=purpose)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
