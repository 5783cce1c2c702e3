"""Input shapes of the notifications API: a subscription and a user's preferences (PUT bodies)."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from discussions.models import Space
from events.models import Event
from events.services.events import timezone_known
from gcm.vocabulary import TagsSerializerField, Vocabulary
from notifications.models import NotificationPreference

MUTED_SPACES_MAX = 500


class EventKindsField(serializers.ListField):
    """A list of ``Event.Kind`` values, de-duplicated in order; empty means every kind."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.ChoiceField(choices=Event.Kind.choices))
        kwargs.setdefault("max_length", len(Event.Kind))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class SubscriptionSerializer(serializers.Serializer[None]):
    """``PUT /me/subscriptions/``: the whole subscription, replaced (every field required)."""

    objectives = TagsSerializerField(Vocabulary.OBJECTIVE, help_text=gettext_lazy("Objective keys."))
    regions = TagsSerializerField(Vocabulary.REGION, help_text=gettext_lazy("Region slugs."))
    kinds = EventKindsField(help_text=gettext_lazy("Event kinds; empty: every kind."))


class SpaceSlugsField(serializers.ListField):
    """Slugs of spaces the caller (``context["user"]``) knows, de-duplicated in order: public ones,
    those they are a member of, and those already muted (a space they left or were banned from
    since). Any other slug is refused as unknown: a private space the caller is not in does not
    exist for them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.SlugField(max_length=80))
        kwargs.setdefault("max_length", MUTED_SPACES_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        slugs = list(dict.fromkeys(super().to_internal_value(data)))
        user = self.context["user"]
        already = NotificationPreference.objects.filter(user=user).values_list("muted_spaces", flat=True).first()
        knowable = Q(visibility=Space.Visibility.PUBLIC) | Q(memberships__user=user) | Q(slug__in=already or [])
        known = set(Space.objects.filter(knowable, slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise serializers.ValidationError(_("Unknown spaces: %(slugs)s.") % {"slugs": ", ".join(unknown)})
        return slugs


class TimeZoneField(serializers.CharField):
    """An IANA time zone name that this system's zoneinfo knows ("Asia/Tokyo", "UTC")."""

    default_error_messages = {
        "unknown": gettext_lazy("Unknown time zone: give an IANA name such as Europe/Paris or UTC."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NotificationPreference._meta.get_field("timezone").max_length)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        zone = super().to_internal_value(data)
        if not timezone_known(zone):
            self.fail("unknown")
        return zone


class PreferencesSerializer(serializers.Serializer[None]):
    """``PUT /me/notification-preferences/``: ``email`` and ``muted_spaces`` required (``partial``
    for a PATCH-like form); ``timezone`` and ``digest_hour`` (added later) unchanged when absent."""

    email = serializers.ChoiceField(choices=NotificationPreference.Email.choices)
    muted_spaces = SpaceSlugsField(help_text=gettext_lazy("Slugs of spaces whose mentions and replies are muted."))
    timezone = TimeZoneField(
        required=False, help_text=gettext_lazy('The IANA time zone of the daily digest\'s hour ("Asia/Tokyo").')
    )
    digest_hour = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=23,
        help_text=gettext_lazy("The hour (0-23, in `timezone`) at which the daily digest is sent."),
    )
