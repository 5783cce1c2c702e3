"""Input of the invitations endpoint: usernames that must name users, addresses that must be addresses."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from events.invitees import invitees_named

MAX_INVITEES = 500


class InvitationsCreateSerializer(serializers.Serializer[Any]):
    usernames = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list, max_length=MAX_INVITEES
    )
    emails = serializers.ListField(
        child=serializers.EmailField(max_length=254), required=False, default=list, max_length=MAX_INVITEES
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Adds ``invitees`` (``events.services.invitations.Invitee``); unknown usernames are refused."""
        usernames = list(dict.fromkeys(name.strip() for name in attrs["usernames"] if name.strip()))
        emails = list(dict.fromkeys(email.strip().lower() for email in attrs["emails"]))
        if not usernames and not emails:
            raise serializers.ValidationError(_("Name at least one username or email address."))
        if len(usernames) + len(emails) > MAX_INVITEES:
            raise serializers.ValidationError(_("At most %(n)d invitees at a time.") % {"n": MAX_INVITEES})
        lookup = invitees_named(usernames=usernames, emails=emails)
        if lookup.unknown_usernames:
            raise serializers.ValidationError(
                {"usernames": [_("No such user: %(names)s.") % {"names": ", ".join(lookup.unknown_usernames)}]}
            )
        return {"invitees": lookup.invitees}
