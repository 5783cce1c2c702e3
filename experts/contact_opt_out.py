"""The one-click link in every contact relay that stops further contacts (RFC 8058).

A relay is not a notification (the notification email preference does not govern it, and the
expert may have no account at all): its ``List-Unsubscribe`` link turns the profile's
``accepts_contact`` off. The token is the expert's id signed with Django's ``signing`` under a
salt of its own, so no other signed value of the site works here; it names no address, and it
does not expire (an old email's link must still work).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SIGNER = signing.Signer(salt="experts.contact_opt_out")


def contact_opt_out_token(expert_id: int) -> str:
    return _SIGNER.sign(str(expert_id))


def contact_opt_out_expert_id(token: str) -> int | None:
    """The expert a token names, or None when it is forged or damaged."""
    try:
        value = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def contact_opt_out_url(expert_id: int) -> str:
    """The absolute link for the relay's ``List-Unsubscribe`` header and its footer."""
    return settings.SITE_URL + reverse("experts:contact-opt-out", args=[contact_opt_out_token(expert_id)])
