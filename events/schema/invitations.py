"""Output shapes of invitations and the calendar feed for the OpenAPI document (bodies are built in
``events.payloads.invitations``). The test suite checks every response it receives against these."""

from rest_framework import serializers

from events.models import RsvpResponse

RESPONSES = [("", "Not answered"), *RsvpResponse.choices]


class EventInvitationOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    email = serializers.EmailField(help_text="The invited address (lower case): the account's own for a user.")
    username = serializers.CharField(allow_null=True, help_text="The invited account; null for a bare address.")
    response = serializers.ChoiceField(choices=RESPONSES, help_text='The invitee\'s answer; "" until they answer.')
    responded_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class EventInvitedOut(EventInvitationOut):
    new = serializers.BooleanField(help_text="Invited by this request (false: the address was invited before).")


class EventInvitationsCreatedOut(serializers.Serializer[None]):
    invitations = EventInvitedOut(many=True, help_text="Every invitee the request named, each address once, in order.")
    created = serializers.IntegerField(help_text="How many of them are new.")


class EventInvitationListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventInvitationOut(many=True)


class CalendarFeedOut(serializers.Serializer[None]):
    url = serializers.URLField(
        help_text="The caller's personal iCalendar feed (secret: whoever has it reads the feed, no login)."
    )
