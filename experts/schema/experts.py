"""Output shapes of the expert directory for the OpenAPI document (bodies are built in
``experts.payloads.experts``). The test suite checks every response it receives against these."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from experts.models import Expert, ProfileLanguage

PAGE = OpenApiParameter("page", int, description="A page number within the paginated result set (from 1).")
PAGE_SIZE = OpenApiParameter("page_size", int, description="Results per page (default 20, at most 100).")

FACET_NAMES = ("objective", "principle", "region", "country", "language", "available_for")


class ExpertOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    organization = serializers.CharField()
    bio = serializers.CharField(help_text="As written (plain text; pages escape it).")
    objectives = serializers.ListField(child=serializers.CharField(), help_text="Objective keys.")
    principles = serializers.ListField(child=serializers.CharField(), help_text="Guiding principle slugs.")
    regions = serializers.ListField(child=serializers.CharField(), help_text="Region slugs.")
    countries = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166 alpha-2 codes.")
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")
    keywords = serializers.ListField(child=serializers.CharField())
    available_for = serializers.ListField(child=serializers.ChoiceField(choices=Expert.Availability.choices))
    accepts_contact = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    verified = serializers.BooleanField(help_text="Staff have verified this profile.")
    profile_language = serializers.ChoiceField(
        choices=ProfileLanguage.choices, help_text="The language the biography is written in."
    )
    username = serializers.CharField(
        allow_null=True, help_text="The owner's username; null for a profile without an account."
    )


class ExpertDetailOut(ExpertOut):
    """One profile, with what only its page shows."""

    questions_answered = serializers.IntegerField(
        help_text="How many questions to experts this expert answered (in a space or privately), each once."
    )


class ExpertFacetsOut(serializers.Serializer[None]):
    """Per facet, each value's count over the filtered set, every filter applied but the facet's own."""

    objective = serializers.DictField(child=serializers.IntegerField(), help_text="Objective key → experts.")
    principle = serializers.DictField(child=serializers.IntegerField(), help_text="Principle slug → experts.")
    region = serializers.DictField(child=serializers.IntegerField(), help_text="Region slug → experts.")
    country = serializers.DictField(child=serializers.IntegerField(), help_text="ISO 3166 alpha-2 code → experts.")
    language = serializers.DictField(child=serializers.IntegerField(), help_text="ISO 639-1 code → experts.")
    available_for = serializers.DictField(child=serializers.IntegerField(), help_text="Availability → experts.")


class ExpertListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ExpertOut(many=True)
    facets = ExpertFacetsOut()


class ContactSenderOut(serializers.Serializer[None]):
    username = serializers.CharField()
    display_name = serializers.CharField()


class ContactOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    message = serializers.CharField()
    sender = ContactSenderOut(help_text="Who wrote (never their address: the relay's Reply-To carries it).")
    created_at = serializers.DateTimeField()
    relayed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the email relay went out (claimed just before sending); null: not yet."
    )


class ContactListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ContactOut(many=True)


class ContactAcceptedOut(serializers.Serializer[None]):
    id = serializers.IntegerField(help_text="The recorded contact.")
    created_at = serializers.DateTimeField()
