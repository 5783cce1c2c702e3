"""Reads for invitations: who the named invitees are, an invitation by its signed link, an event's list.

Each function makes a fixed number of queries whatever the number of names or rows.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from accounts.models import User
from events.invitation_links import LinkPurpose, invitation_token_read
from events.models import Invitation
from events.services.invitations import Invitee


@dataclass(frozen=True)
class InviteeLookup:
    """The invitees named by usernames and addresses (an address with an account is that account), and
    the usernames that name nobody."""

    invitees: list[Invitee]
    unknown_usernames: list[str]


def invitees_named(*, usernames: list[str], emails: list[str]) -> InviteeLookup:
    """Resolve usernames (any case, active accounts) and addresses (lower-cased) in two queries."""
    users_by_name: dict[str, User] = {}
    if usernames:
        matching = reduce(or_, (Q(username__iexact=name) for name in usernames))
        users_by_name = {user.username.casefold(): user for user in User.objects.filter(matching, is_active=True)}
    addresses = [email.strip().lower() for email in emails]
    users_by_email: dict[str, User] = {}
    if addresses:
        matching = reduce(or_, (Q(email__iexact=address) for address in addresses))
        users_by_email = {user.email.lower(): user for user in User.objects.filter(matching, is_active=True)}
    invitees = [Invitee(email=user.email, user=user) for name in usernames
                if (user := users_by_name.get(name.casefold())) is not None]  # fmt: skip
    invitees += [Invitee(email=address, user=users_by_email.get(address)) for address in addresses]
    unknown = [name for name in usernames if name.casefold() not in users_by_name]
    return InviteeLookup(invitees=invitees, unknown_usernames=unknown)


def invitation_by_token(token: str, purpose: LinkPurpose) -> Invitation | None:
    """The invitation a signed link names, with its event and organizer, while it is still for the
    address the link was made for; None for a forged, damaged or foreign token."""
    read = invitation_token_read(token, purpose)
    if read is None:
        return None
    invitation = Invitation.objects.select_related("event__organizer", "user").filter(pk=read.invitation_id).first()
    if invitation is None or not read.is_for(invitation.email):
        return None
    return invitation


def invitations_of_event(event_id: int) -> QuerySet[Invitation]:
    """An event's invitations, oldest first, with the invited accounts."""
    return Invitation.objects.filter(event_id=event_id).select_related("user").order_by("created_at", "pk")
