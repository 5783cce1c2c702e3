"""One-click unsubscribe links (RFC 8058): a signed token names the user and what they leave.

The token is the user's id signed with Django's ``signing`` under a salt naming the purpose, so a
token made for anything else (another purpose, another signed value on the site) never
unsubscribes anyone. It is short (the ``List-Unsubscribe`` header stays on one line) and does not
expire: an old email's link must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "notifications.unsubscribe"
# What a token unsubscribes from: today only every notification email; digests may add their own.
PURPOSE_NOTIFICATION_EMAIL = "notification_email"


def _signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"{_SALT}:{purpose}")


def unsubscribe_token(*, user_id: int, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> str:
    return _signer(purpose).sign(str(user_id))


def unsubscribe_token_user_id(token: str, *, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> int | None:
    """The user a token for ``purpose`` names, or None when it is forged, damaged or for another purpose."""
    try:
        value = _signer(purpose).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(*, user_id: int, purpose: str = PURPOSE_NOTIFICATION_EMAIL) -> str:
    """The absolute link for emails (``List-Unsubscribe`` and the footer)."""
    token = unsubscribe_token(user_id=user_id, purpose=purpose)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
