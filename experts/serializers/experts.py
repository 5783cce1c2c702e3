"""Input shapes of the expert directory: the list's filters, a profile, a contact."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from experts.models import Expert, ProfileLanguage
from experts.services.contact import CONTACT_MESSAGE_MAX, CONTACT_SUBJECT_MAX, is_one_line
from experts.services.profiles import BIO_MAX, KEYWORD_MAX_CHARS, KEYWORDS_MAX
from gcm.vocabulary import TagsSerializerField, Vocabulary


class AvailabilityField(serializers.ListField):
    """A list of ``Expert.Availability`` values, de-duplicated in order."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.ChoiceField(choices=Expert.Availability.choices))
        kwargs.setdefault("max_length", len(Expert.Availability))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class ExpertQuerySerializer(serializers.Serializer[None]):
    """``GET /experts/``: each list is "any of"; the names are the contract's query parameters."""

    q = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("Full text."))
    objective = TagsSerializerField(Vocabulary.OBJECTIVE, required=False)
    principle = TagsSerializerField(Vocabulary.PRINCIPLE, required=False)
    region = TagsSerializerField(Vocabulary.REGION, required=False)
    country = TagsSerializerField(Vocabulary.COUNTRY, required=False)
    language = TagsSerializerField(Vocabulary.LANGUAGE, required=False)
    available_for = AvailabilityField(required=False)

    LISTS = ("objective", "principle", "region", "country", "language", "available_for")


class ExpertChangeSerializer(serializers.Serializer[None]):
    """``PATCH /experts/{id}/``: any of these fields. ``email`` is written, never read back."""

    name = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=BIO_MAX, required=False, allow_blank=True, trim_whitespace=False)
    email = serializers.EmailField(
        required=False, write_only=True, help_text=_("Where contacts are relayed; never shown in any response.")
    )
    profile_language = serializers.ChoiceField(choices=ProfileLanguage.choices, required=False)
    objectives = TagsSerializerField(Vocabulary.OBJECTIVE, required=False)
    principles = TagsSerializerField(Vocabulary.PRINCIPLE, required=False)
    regions = TagsSerializerField(Vocabulary.REGION, required=False)
    countries = TagsSerializerField(Vocabulary.COUNTRY, required=False)
    languages = TagsSerializerField(Vocabulary.LANGUAGE, required=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=KEYWORD_MAX_CHARS), max_length=KEYWORDS_MAX, required=False
    )
    available_for = AvailabilityField(required=False)
    accepts_contact = serializers.BooleanField(required=False)
    verified = serializers.BooleanField(
        required=False, help_text=_("Staff only: setting it to anything but its current value is 403 for others.")
    )

    def validate_keywords(self, keywords: list[str]) -> list[str]:
        return list(dict.fromkeys(keywords))


class ExpertCreateSerializer(ExpertChangeSerializer):
    """``POST /experts/``: the caller's own profile, or (staff) someone else's."""

    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        help_text=_(
            "Omitted: the caller's own profile (email defaults to the account's). Staff only: a username makes "
            "the profile of that user; null makes a profile for a person without an account (email required)."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "username" in attrs and attrs["username"] is None and not attrs.get("email"):
            raise serializers.ValidationError({"email": [_("A profile without an account needs an email.")]})
        return attrs


class ExpertContactSerializer(serializers.Serializer[None]):
    subject = serializers.CharField(max_length=CONTACT_SUBJECT_MAX, trim_whitespace=False)
    message = serializers.CharField(max_length=CONTACT_MESSAGE_MAX)

    def validate_subject(self, subject: str) -> str:
        # Checked before trimming: a subject with a line break in it would be a second header.
        if not is_one_line(subject):
            raise serializers.ValidationError(_("The subject must be one line."))
        subject = subject.strip()
        if not subject:
            raise serializers.ValidationError(_("This field may not be blank."))
        return subject
