"""Signed links in invitation emails: answer (RSVP) or stop the emails, without logging in.

A token is the invitation's id and a digest of the invited address (the address itself stays out
of URLs and logs), signed with Django's ``signing`` under a salt naming its purpose. So a forged
or altered token is refused; a token made for one invitation never answers another (the id is
inside it); a token stops working for an address that is no longer the invitation's (the digest
is compared); and a token made for one purpose (or anything else the site signs) is no token for
another. Tokens do not expire: the email's link works until the event is over, which the pages
check.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from events.models import Invitation

_SALT = "events.invitation"


class LinkPurpose(StrEnum):
    RSVP = "rsvp"
    # One-click stop (List-Unsubscribe, RFC 8058) for invitees without an account.
    STOP_EMAILS = "stop-emails"


@dataclass(frozen=True)
class InvitationToken:
    invitation_id: int
    email_digest: str

    def is_for(self, email: str) -> bool:
        return self.email_digest == email_digest(email)


def email_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:24]


def _signer(purpose: LinkPurpose) -> signing.Signer:
    return signing.Signer(salt=f"{_SALT}:{purpose.value}")


def invitation_token(invitation: Invitation, purpose: LinkPurpose) -> str:
    return _signer(purpose).sign_object({"i": invitation.pk, "e": email_digest(invitation.email)})


def invitation_token_read(token: str, purpose: LinkPurpose) -> InvitationToken | None:
    """What a token for ``purpose`` names, or None when it is forged, damaged or for another purpose."""
    try:
        value = _signer(purpose).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, dict):
        return None
    invitation_id, digest = value.get("i"), value.get("e")
    if not isinstance(invitation_id, int) or not isinstance(digest, str):
        return None
    return InvitationToken(invitation_id=invitation_id, email_digest=digest)


def invitation_rsvp_url(invitation: Invitation) -> str:
    """The absolute link of the invitation's answer page (for emails)."""
    token = invitation_token(invitation, LinkPurpose.RSVP)
    return settings.SITE_URL + reverse("events:invitation-rsvp", args=[token])


def invitation_stop_emails_url(invitation: Invitation) -> str:
    token = invitation_token(invitation, LinkPurpose.STOP_EMAILS)
    return settings.SITE_URL + reverse("events:invitation-stop-emails", args=[token])
