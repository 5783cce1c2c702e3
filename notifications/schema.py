"""Output shapes of the notifications API for the OpenAPI document (responses are built in ``payloads``)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from discussions.schema import PAGE, paginated
from events.models import Event
from notifications.models import Notification, NotificationPreference

__all__ = [
    "PAGE",
    "UNREAD",
    "NotificationOut",
    "PaginatedNotificationOut",
    "PreferencesOut",
    "ReadAllOut",
    "SubscriptionOut",
]

UNREAD = OpenApiParameter("unread", bool, description="`true`: only notifications not yet read.")


class NotificationOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="A path on the Hub (prefix the site's address), or empty.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ReadAllOut(serializers.Serializer[None]):
    marked_read = serializers.IntegerField(help_text="How many notifications were unread and are now read.")


PaginatedNotificationOut = paginated(NotificationOut)


class SubscriptionOut(serializers.Serializer[None]):
    objectives = serializers.ListField(child=serializers.CharField(), help_text="Objective keys.")
    regions = serializers.ListField(child=serializers.CharField(), help_text="Region slugs.")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.Kind.choices), help_text="Event kinds; empty: every kind."
    )


class PreferencesOut(serializers.Serializer[None]):
    email = serializers.ChoiceField(choices=NotificationPreference.Email.choices)
    muted_spaces = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of spaces whose mentions and replies are muted."
    )
    timezone = serializers.CharField(help_text="IANA time zone name of the digest hour (default `UTC`).")
    digest_hour = serializers.IntegerField(
        min_value=0, max_value=23, help_text="The hour (0-23, in `timezone`) of the daily digest (default 7)."
    )
