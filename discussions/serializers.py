"""Input shapes of the discussion API. Output shapes are in ``discussions.payloads``."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from discussions.models import Space
from gcm.models import Language


def _known_languages(codes: list[str]) -> list[str]:
    known = set(Language.objects.values_list("code", flat=True))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise serializers.ValidationError(_("Unknown language codes: %(codes)s") % {"codes": ", ".join(unknown)})
    return codes


class SpaceChangeSerializer(serializers.Serializer[Space]):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    visibility = serializers.ChoiceField(choices=Space.Visibility.choices, required=False)
    locked = serializers.BooleanField(required=False)
    opens_at = serializers.DateTimeField(allow_null=True, required=False)
    closes_at = serializers.DateTimeField(allow_null=True, required=False)
    audience = serializers.CharField(allow_blank=True, required=False, max_length=200)
    languages = serializers.ListField(child=serializers.CharField(max_length=2), required=False, max_length=6)
    slow_mode_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    summary = serializers.CharField(allow_blank=True, required=False, max_length=50_000)

    def validate_languages(self, codes: list[str]) -> list[str]:
        return _known_languages(codes)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance: Space | None = self.instance
        opens_at = attrs.get("opens_at", instance.opens_at if instance else None)
        closes_at = attrs.get("closes_at", instance.closes_at if instance else None)
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError({"closes_at": [_("A space must close after it opens.")]})
        return attrs


class SpaceCreateSerializer(SpaceChangeSerializer):
    slug = serializers.SlugField(max_length=80)
    kind = serializers.ChoiceField(choices=Space.Kind.choices, required=False)
    objective = serializers.CharField(max_length=16, required=False, allow_null=True)
    region = serializers.SlugField(max_length=32, required=False, allow_null=True)


class SpaceQuerySerializer(serializers.Serializer[None]):
    objective = serializers.ListField(child=serializers.CharField(max_length=16), required=False)


class MessagePostSerializer(serializers.Serializer[None]):
    # No max_length on body: an overlong body is 413 ``too_large``, as on the socket.
    body = serializers.CharField(trim_whitespace=False)
    topic = serializers.CharField(max_length=200, required=False, allow_null=True)
    reply_to = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    client_id = serializers.CharField(min_length=1, max_length=64, required=False, allow_null=True)


class MessageEditSerializer(serializers.Serializer[None]):
    body = serializers.CharField(trim_whitespace=False)


class MessageQuerySerializer(serializers.Serializer[None]):
    after = serializers.IntegerField(min_value=0, required=False)
    before = serializers.IntegerField(min_value=1, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)
    q = serializers.CharField(max_length=200, required=False)
    topic = serializers.CharField(max_length=200, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "after" in attrs and "before" in attrs:
            raise serializers.ValidationError({"before": [_("Give after or before, not both.")]})
        return attrs


class UsernameSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)


class BanSerializer(UsernameSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")
    minutes = serializers.IntegerField(min_value=1, max_value=527_040, required=False, allow_null=True)


class MuteSerializer(UsernameSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=527_040)
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class QuestionSerializer(serializers.Serializer[None]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10_000)


class ReportSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(max_length=2000)


class ReactionSerializer(serializers.Serializer[None]):
    emoji = serializers.CharField(max_length=32)


class ReadSerializer(serializers.Serializer[None]):
    seq = serializers.IntegerField(min_value=0)
