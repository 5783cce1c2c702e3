from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gcm.counts import objective_counts
from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, ObjectiveAction, Region

# Names are in the request's language (gcm/names.py); keys and slugs never change.


class ObjectiveSerializer(serializers.ModelSerializer[Objective]):
    short_title = serializers.CharField(source="shown_short_title", read_only=True)
    title = serializers.CharField(source="shown_title", read_only=True)

    class Meta:
        model = Objective
        fields = ["number", "key", "short_title", "title"]


class ObjectiveActionSerializer(serializers.ModelSerializer[ObjectiveAction]):
    class Meta:
        model = ObjectiveAction
        fields = ["letter", "text"]


class ObjectiveDetailSerializer(ObjectiveSerializer):
    actions = ObjectiveActionSerializer(many=True, read_only=True)
    related = serializers.SlugRelatedField[Objective](slug_field="key", many=True, read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta(ObjectiveSerializer.Meta):
        fields = [
            *ObjectiveSerializer.Meta.fields,
            "commitment",
            "commitment_reference",
            "actions",
            "related",
            "counts",
        ]

    @extend_schema_field(serializers.DictField())
    def get_counts(self, objective: Objective) -> dict[str, Any]:
        return objective_counts(objective)


class GuidingPrincipleSerializer(serializers.ModelSerializer[GuidingPrinciple]):
    name = serializers.CharField(source="shown_name", read_only=True)

    class Meta:
        model = GuidingPrinciple
        fields = ["slug", "name"]


class RegionSerializer(serializers.ModelSerializer[Region]):
    name = serializers.CharField(source="shown_name", read_only=True)

    class Meta:
        model = Region
        fields = ["slug", "name"]


class CountrySerializer(serializers.ModelSerializer[Country]):
    name = serializers.CharField(source="shown_name", read_only=True)
    region = serializers.CharField(source="region.shown_name", read_only=True)
    region_slug = serializers.CharField(source="region.slug", read_only=True)

    class Meta:
        model = Country
        fields = ["iso2", "iso3", "name", "region", "region_slug"]


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    name = serializers.CharField(source="shown_name", read_only=True)

    class Meta:
        model = DocumentType
        fields = ["slug", "name"]


class LanguageSerializer(serializers.ModelSerializer[Language]):
    name = serializers.CharField(source="shown_name", read_only=True)

    class Meta:
        model = Language
        fields = ["code", "name"]
