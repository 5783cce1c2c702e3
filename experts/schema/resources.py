"""Output shapes of the library and peer review for the OpenAPI document (bodies are built in
``experts.payloads.resources``). The test suite checks every response it receives against these."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from experts.models import ProfileLanguage, Resource, Review, ReviewerApplication

PAGE = OpenApiParameter("page", int, description="A page number within the paginated result set (from 1).")
PAGE_SIZE = OpenApiParameter("page_size", int, description="Results per page (default 20, at most 100).")


def _tags(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


class ResourceOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Resource.Kind.choices)
    title = serializers.CharField()
    summary = serializers.CharField(help_text="As written (plain text; pages escape it).")
    summary_language = serializers.ChoiceField(
        choices=ProfileLanguage.choices, help_text="The language the summary is written in."
    )
    url = serializers.CharField(help_text="An http(s) link, or empty.")
    document_type = serializers.CharField(allow_null=True, help_text="A document type's slug (documents only).")
    publication_date = serializers.DateField(allow_null=True)
    objectives = _tags("Objective keys.")
    principles = _tags("Guiding principle slugs.")
    regions = _tags("Region slugs.")
    countries = _tags("ISO 3166 alpha-2 codes.")
    languages = _tags("ISO 639-1 codes.")
    scope = serializers.ChoiceField(choices=Resource.Scope.choices)
    organization = serializers.CharField()
    status = serializers.ChoiceField(choices=Resource.Status.choices)
    submitted_by = serializers.CharField(allow_null=True, help_text="The submitter's username (null: account deleted).")
    created_at = serializers.DateTimeField()


class ResourceFacetsOut(serializers.Serializer[None]):
    """Per facet, each value's count over the filtered set, every filter applied but the facet's own."""

    kind = serializers.DictField(child=serializers.IntegerField(), help_text="Kind → resources.")
    objective = serializers.DictField(child=serializers.IntegerField(), help_text="Objective key → resources.")
    principle = serializers.DictField(child=serializers.IntegerField(), help_text="Principle slug → resources.")
    region = serializers.DictField(child=serializers.IntegerField(), help_text="Region slug → resources.")
    country = serializers.DictField(child=serializers.IntegerField(), help_text="ISO 3166 alpha-2 code → resources.")
    document_type = serializers.DictField(child=serializers.IntegerField(), help_text="Document type slug → resources.")
    language = serializers.DictField(child=serializers.IntegerField(), help_text="ISO 639-1 code → resources.")
    scope = serializers.DictField(child=serializers.IntegerField(), help_text="Scope → resources.")


class ResourceListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ResourceOut(many=True)
    facets = ResourceFacetsOut()


class ReviewOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    resource = serializers.IntegerField()
    reviewer = serializers.CharField(
        allow_null=True, help_text="The reviewer's username; null for the submitter (reviews are blind to them)."
    )
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    comment = serializers.CharField()
    no_conflict_of_interest = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ReviewListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReviewOut(many=True)


class ReviewResultOut(serializers.Serializer[None]):
    review = ReviewOut()
    resource = ResourceOut(help_text="The resource after the review (approved by the second approval, "
                           "rejected by a rejection).")  # fmt: skip


class AssignmentResultOut(serializers.Serializer[None]):
    resource = ResourceOut()
    reviewers = serializers.ListField(
        child=serializers.CharField(), help_text="Every reviewer assigned to the resource, in order of assignment."
    )
    added = serializers.ListField(
        child=serializers.CharField(), help_text="The reviewers this request assigned (and notified)."
    )


class ReviewerApplicationOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    motivation = serializers.CharField()
    objectives = _tags("Objective keys the applicant could review.")
    status = serializers.ChoiceField(choices=ReviewerApplication.Status.choices)
    created_at = serializers.DateTimeField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ReviewerApplicationListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReviewerApplicationOut(many=True)


class ReviewAssignmentOut(serializers.Serializer[None]):
    resource = ResourceOut()
    assigned_at = serializers.DateTimeField()
    reviewed = serializers.BooleanField(help_text="The caller has given their review.")
    decision = serializers.ChoiceField(
        choices=Review.Decision.choices, allow_null=True, help_text="The caller's own decision (null until given)."
    )


class ReviewAssignmentListOut(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReviewAssignmentOut(many=True)
