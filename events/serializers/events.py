"""Input shapes of events: the list's filters, an event, an answer, a grant. Each field is checked here;
what only holds of fields together (an end after a start the request did not send) is checked by
``events.services.events`` once merged with the event. Output shapes are in ``events.payloads``."""

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import Event, RsvpResponse
from events.services.events import DESCRIPTION_MAX, TITLE_MAX, timezone_known
from gcm.vocabulary import TagsSerializerField, Vocabulary
from hub.text import validate_one_line

CAPACITY_MAX = 1_000_000


class ChoicesField(serializers.ListField):
    """A list of one ``TextChoices``' values, de-duplicated in order (unknown values: 400)."""

    def __init__(self, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.ChoiceField(choices=choices))
        kwargs.setdefault("max_length", len(choices))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class WallClockDateTimeField(serializers.DateTimeField):
    """ISO 8601; with an offset (``Z``, ``+02:00``) it is that instant, without one it is wall-clock
    time in the event's ``timezone`` (left naive here: the service knows the zone)."""

    def enforce_timezone(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value
        return super().enforce_timezone(value)


class EventQuerySerializer(serializers.Serializer[None]):
    """``GET /events/``: each list is "any of"; the names are the contract's query parameters."""

    objective = TagsSerializerField(Vocabulary.OBJECTIVE, required=False)
    region = TagsSerializerField(Vocabulary.REGION, required=False)
    kind = ChoicesField(Event.Kind.choices, required=False)
    status = ChoicesField(
        Event.Status.choices,
        required=False,
        help_text=_("Within what the caller may list: others' drafts and cancelled events stay hidden."),
    )
    upcoming = serializers.BooleanField(
        required=False, default=False, help_text=_("true: only events that have not ended, soonest first.")
    )

    LISTS = ("objective", "region", "kind", "status")


class EventChangeSerializer(serializers.Serializer[None]):
    """``PATCH /events/{id}/``: any of these fields."""

    title = serializers.CharField(max_length=TITLE_MAX, validators=[validate_one_line])  # invitations' Subject
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, allow_blank=True, trim_whitespace=False)
    objectives = TagsSerializerField(Vocabulary.OBJECTIVE)
    regions = TagsSerializerField(Vocabulary.REGION)
    starts_at = WallClockDateTimeField(help_text=_("With an offset, that instant; without, time in `timezone`."))
    ends_at = WallClockDateTimeField(help_text=_("After `starts_at`; without an offset, time in `timezone`."))
    timezone = serializers.CharField(
        max_length=64, help_text=_("An IANA zone name: Europe/Paris, America/Bogota, UTC.")
    )
    location = serializers.CharField(max_length=300, allow_blank=True)
    online_url = serializers.URLField(max_length=1000, allow_blank=True, help_text=_("http or https."))
    capacity = serializers.IntegerField(
        min_value=1, max_value=CAPACITY_MAX, allow_null=True, help_text=_("Seats; null: unlimited.")
    )

    def validate_timezone(self, name: str) -> str:
        name = name.strip()
        if not timezone_known(name):
            raise serializers.ValidationError(_("Unknown time zone: give an IANA name such as Europe/Paris or UTC."))
        return name

    def validate_online_url(self, url: str) -> str:
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise serializers.ValidationError(_("Give an http or https link."))
        return url


class EventCreateSerializer(EventChangeSerializer):
    """``POST /events/``: a title and both times at least; a location, an online link or both."""

    kind = serializers.ChoiceField(choices=Event.Kind.choices, default=Event.Kind.EVENT)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, allow_blank=True, trim_whitespace=False, default="")
    objectives = TagsSerializerField(Vocabulary.OBJECTIVE, default=list)
    regions = TagsSerializerField(Vocabulary.REGION, default=list)
    timezone = serializers.CharField(max_length=64, default="UTC", help_text=_("An IANA zone name (default UTC)."))
    location = serializers.CharField(max_length=300, allow_blank=True, default="")
    online_url = serializers.URLField(max_length=1000, allow_blank=True, default="", help_text=_("http or https."))
    capacity = serializers.IntegerField(
        min_value=1, max_value=CAPACITY_MAX, allow_null=True, default=None, help_text=_("Seats; null: unlimited.")
    )


class RsvpSerializer(serializers.Serializer[None]):
    response = serializers.ChoiceField(choices=RsvpResponse.choices)
    waitlist = serializers.BooleanField(
        default=False,
        help_text=_(
            "With a yes to a full event: a place at the end of the waiting list (202) instead of 409 event_full."
        ),
    )


class OrganizerGrantSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
