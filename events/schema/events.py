"""Output shapes of events for the OpenAPI document (bodies are built in ``events.payloads.events``).
The test suite checks every response it receives against these."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from events.models import Event, RsvpResponse, WaitlistEntry

PAGE = OpenApiParameter("page", int, description="A page number within the paginated result set (from 1).")
PAGE_SIZE = OpenApiParameter("page_size", int, description="Results per page (default 20, at most 100).")


def _tags(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


class EventOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    description = serializers.CharField(help_text="Plain text or Markdown, as written (pages render it safely).")
    objectives = _tags("Objective keys.")
    regions = _tags("Region slugs.")
    starts_at = serializers.DateTimeField(help_text="UTC.")
    ends_at = serializers.DateTimeField(help_text="UTC; after `starts_at`.")
    timezone = serializers.CharField(help_text="The IANA zone the event is held in (`Europe/Paris`, `UTC`).")
    location = serializers.CharField(help_text="Where it takes place, or empty for an online-only event.")
    online_url = serializers.CharField(help_text="The link to join online, or empty.")
    capacity = serializers.IntegerField(allow_null=True, help_text="Seats; null: unlimited.")
    organizer = serializers.CharField(allow_null=True, help_text="The organizer's username (null: account erased).")
    organizer_display_name = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Event.Status.choices)
    attendee_count = serializers.IntegerField(help_text="Yes answers.")
    seats_left = serializers.IntegerField(
        allow_null=True,
        help_text="Seats neither answered yes for nor held by an open offer to the waiting list; null: unlimited.",
    )
    waitlist_count = serializers.IntegerField(help_text="People waiting for a seat (not counting open offers).")
    my_rsvp = serializers.ChoiceField(
        choices=RsvpResponse.choices, allow_null=True, help_text="The caller's answer; null: none (or anonymous)."
    )
    sequence = serializers.IntegerField(
        help_text="The iCalendar SEQUENCE: grows when the title, time, zone, place or status of a published event "
        "changes."
    )
    url = serializers.CharField(help_text="The event's page on the Hub (a path).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)


class EventListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventOut(many=True)


class WaitlistOut(serializers.Serializer[None]):
    state = serializers.ChoiceField(choices=WaitlistEntry.State.choices)
    position = serializers.IntegerField(
        allow_null=True, help_text="Place in line while `waiting` (1: offered the next free seat); else null."
    )
    joined_at = serializers.DateTimeField()
    offered_at = serializers.DateTimeField(allow_null=True)
    offer_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="While `offered`: answer yes before this to take the seat held for you."
    )


class RsvpOut(serializers.Serializer[None]):
    event = serializers.IntegerField()
    response = serializers.ChoiceField(
        choices=RsvpResponse.choices, allow_null=True, help_text="The caller's answer; null: never answered."
    )
    updated_at = serializers.DateTimeField(allow_null=True)
    attendee_count = serializers.IntegerField()
    seats_left = serializers.IntegerField(allow_null=True)
    waitlist = WaitlistOut(allow_null=True, help_text="The caller's waiting-list entry, if they ever joined.")


class OrganizerGrantOut(serializers.Serializer[None]):
    username = serializers.CharField()
    display_name = serializers.CharField()
    granted_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class OrganizerGrantListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrganizerGrantOut(many=True)
