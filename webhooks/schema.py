"""Output shapes of the webhooks API for the OpenAPI document (responses are built in ``payloads``)."""

from rest_framework import serializers

from discussions.schema import PAGE, paginated
from webhooks.models import Delivery, WebhookEvent

__all__ = ["PAGE", "DeliveryOut", "PaginatedDeliveryOut", "PaginatedWebhookOut", "WebhookOut"]


class WebhookOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    space = serializers.SlugField(allow_null=True, help_text="Messages of this space only; null: public spaces'.")
    owner = serializers.CharField(help_text="The username of who registered it.")
    active = serializers.BooleanField(help_text="False once disabled (a day of failed deliveries, or by hand).")
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class AttemptOut(serializers.Serializer[None]):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="The receiver's HTTP status; null: no answer.")
    error = serializers.CharField(help_text="Why there was no answer (refused, timed out...), or empty.")
    duration_ms = serializers.IntegerField(allow_null=True)


class DeliveryOut(serializers.Serializer[None]):
    id = serializers.IntegerField(help_text="Also the body's `id` and the X-Hub-Delivery header.")
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    status = serializers.ChoiceField(choices=Delivery.State.choices)
    status_code = serializers.IntegerField(allow_null=True, help_text="Of the last attempt.")
    error = serializers.CharField(help_text="Of the last attempt.")
    attempts = AttemptOut(many=True)
    created_at = serializers.DateTimeField()
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text="When pending: the next try.")
    finished_at = serializers.DateTimeField(allow_null=True)
    redelivery_of = serializers.IntegerField(allow_null=True, help_text="The delivery this one repeats.")
    # A field named like ``Serializer.data``: fine for a schema-only serializer, which is never rendered.
    data = serializers.DictField(help_text="The body's `data`: the object as the REST API shows it.")  # type: ignore[assignment]


PaginatedWebhookOut = paginated(WebhookOut)
PaginatedDeliveryOut = paginated(DeliveryOut)
