"""Input shapes of the library and peer review: the list's filters, a submission, roster applications,
assignments and reviews. Output shapes are in ``experts.payloads.resources``."""

from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from experts.models import ProfileLanguage, Resource, Review, ReviewerApplication
from experts.services.resources import SUMMARY_MAX_CHARS
from gcm.vocabulary import TagsSerializerField, Vocabulary, normalized_tag, vocabulary_values

ASSIGN_MAX_USERNAMES = 20


class ChoicesField(serializers.ListField):
    """A list of one ``TextChoices``' values, de-duplicated in order (unknown values: 400)."""

    def __init__(self, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.ChoiceField(choices=choices))
        kwargs.setdefault("max_length", len(choices))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class ResourceQuerySerializer(serializers.Serializer[None]):
    """``GET /resources/``: each list is "any of"; the names are the contract's query parameters.

    ``status`` is for staff and roster reviewers only (the view answers 400 to anyone else).
    """

    q = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("Full text."))
    kind = ChoicesField(Resource.Kind.choices, required=False)
    objective = TagsSerializerField(Vocabulary.OBJECTIVE, required=False)
    principle = TagsSerializerField(Vocabulary.PRINCIPLE, required=False)
    region = TagsSerializerField(Vocabulary.REGION, required=False)
    country = TagsSerializerField(Vocabulary.COUNTRY, required=False)
    document_type = TagsSerializerField(Vocabulary.DOCUMENT_TYPE, required=False)
    language = TagsSerializerField(Vocabulary.LANGUAGE, required=False)
    scope = ChoicesField(Resource.Scope.choices, required=False)
    status = ChoicesField(Resource.Status.choices, required=False)

    LISTS = ("kind", "objective", "principle", "region", "country", "document_type", "language", "scope", "status")


class ResourceSubmitSerializer(serializers.Serializer[None]):
    """``POST /resources/``. ``document_type`` is for documents only: any other kind with one is 400."""

    kind = serializers.ChoiceField(choices=Resource.Kind.choices)
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=SUMMARY_MAX_CHARS, allow_blank=True, default="")
    summary_language = serializers.ChoiceField(
        choices=ProfileLanguage.choices,
        default=ProfileLanguage.ENGLISH,
        help_text=_("The language the summary is written in (how its words are stemmed for search)."),
    )
    url = serializers.URLField(max_length=1000, allow_blank=True, default="", help_text=_("http or https."))
    document_type = serializers.CharField(
        max_length=64, allow_null=True, default=None, help_text=_("A document type's slug; documents only.")
    )
    publication_date = serializers.DateField(allow_null=True, default=None)
    objectives = TagsSerializerField(Vocabulary.OBJECTIVE, default=list)
    principles = TagsSerializerField(Vocabulary.PRINCIPLE, default=list)
    regions = TagsSerializerField(Vocabulary.REGION, default=list)
    countries = TagsSerializerField(Vocabulary.COUNTRY, default=list)
    languages = TagsSerializerField(Vocabulary.LANGUAGE, default=list)
    scope = serializers.ChoiceField(choices=Resource.Scope.choices, default=Resource.Scope.GLOBAL)
    organization = serializers.CharField(max_length=200, allow_blank=True, default="")

    def validate_url(self, url: str) -> str:
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise serializers.ValidationError(_("Give an http or https link."))
        return url

    def validate_document_type(self, slug: str | None) -> str | None:
        if slug is None:
            return None
        slug = normalized_tag(Vocabulary.DOCUMENT_TYPE, slug)
        if slug not in vocabulary_values(Vocabulary.DOCUMENT_TYPE):
            raise serializers.ValidationError(_("Unknown document type: %(slug)s.") % {"slug": slug})
        return slug

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("document_type") is not None and attrs["kind"] != Resource.Kind.DOCUMENT:
            raise serializers.ValidationError({"document_type": [_("Only documents have a document type.")]})
        return attrs


class ReviewerApplicationSerializer(serializers.Serializer[None]):
    """``POST /reviewer-applications/``."""

    motivation = serializers.CharField(max_length=5000)
    objectives = TagsSerializerField(
        Vocabulary.OBJECTIVE, default=list, help_text=_("The objectives the applicant could review resources on.")
    )


class ReviewerApplicationQuerySerializer(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=ReviewerApplication.Status.choices, required=False)


class AssignSerializer(serializers.Serializer[None]):
    """``POST /resources/{id}/assign/``."""

    usernames = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=1, max_length=ASSIGN_MAX_USERNAMES
    )


class ReviewSerializer(serializers.Serializer[None]):
    """``POST /resources/{id}/reviews/``: the declaration is required, and must be ``true``."""

    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    comment = serializers.CharField(max_length=10_000, allow_blank=True, default="")
    no_conflict_of_interest = serializers.BooleanField(
        help_text=_("The reviewer declares no conflict of interest with the resource or its authors; must be true.")
    )

    def validate_no_conflict_of_interest(self, declared: bool) -> bool:
        if not declared:
            raise serializers.ValidationError(_("Declare that you have no conflict of interest to review this."))
        return declared
