"""Output shapes of the notifications API for the OpenAPI document (responses are built in ``payloads``)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from discussions.schema import PAGE, paginated
from notifications.models import Notification

__all__ = ["PAGE", "UNREAD", "NotificationOut", "PaginatedNotificationOut", "ReadAllOut"]

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
