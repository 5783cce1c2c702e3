"""Input of the webhooks API: the shape of each field (who may, and where to, is the services' call)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.destinations import url_problem
from webhooks.models import WebhookEvent

SECRET_MIN_CHARS = 16


class WebhookCreateSerializer(serializers.Serializer[None]):
    url = serializers.URLField(max_length=2000, help_text="Where each delivery is POSTed (http or https).")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=len(WebhookEvent)
    )
    space = serializers.SlugField(
        required=False, allow_null=True, default=None,
        help_text="Messages of this space only (moderators: required, and theirs). Absent: public spaces'.",
    )  # fmt: skip
    secret = serializers.CharField(
        min_length=SECRET_MIN_CHARS, max_length=256, trim_whitespace=False, write_only=True,
        help_text="Keys the HMAC-SHA256 signature of every delivery (X-Hub-Signature-256). Never returned.",
    )  # fmt: skip

    def validate_url(self, value: str) -> str:
        problem = url_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value

    def validate_events(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Name each event once."))
        return value

    def validate_secret(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError(_("The secret cannot contain NUL characters."))
        return value


class WebhookChangeSerializer(serializers.Serializer[None]):
    active = serializers.BooleanField(help_text="`true` turns a disabled webhook on again; `false` turns it off.")
