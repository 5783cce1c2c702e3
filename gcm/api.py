"""Read-only, public taxonomy endpoints; small fixed lists, so none is paginated."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions

from gcm import selectors
from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, Region
from gcm.serializers import (
    CountrySerializer,
    DocumentTypeSerializer,
    GuidingPrincipleSerializer,
    LanguageSerializer,
    ObjectiveDetailSerializer,
    ObjectiveSerializer,
    RegionSerializer,
)

_M = TypeVar("_M", bound=Model)


class _TaxonomyList(generics.ListAPIView[_M]):
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []


class ObjectiveList(_TaxonomyList[Objective]):
    serializer_class = ObjectiveSerializer

    def get_queryset(self) -> QuerySet[Objective]:
        return selectors.objectives_in_order()


@extend_schema_view(get=extend_schema(operation_id="objective_retrieve"))
class ObjectiveDetail(generics.RetrieveAPIView[Objective]):
    permission_classes = [permissions.AllowAny]
    serializer_class = ObjectiveDetailSerializer

    def get_object(self) -> Objective:
        return selectors.objective_for_page(self.kwargs["key"])


class PrincipleList(_TaxonomyList[GuidingPrinciple]):
    serializer_class = GuidingPrincipleSerializer

    def get_queryset(self) -> QuerySet[GuidingPrinciple]:
        return selectors.principles_in_order()


class RegionList(_TaxonomyList[Region]):
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return selectors.regions_by_name()


class CountryList(_TaxonomyList[Country]):
    serializer_class = CountrySerializer

    def get_queryset(self) -> QuerySet[Country]:
        return selectors.countries_by_name()


class DocumentTypeList(_TaxonomyList[DocumentType]):
    serializer_class = DocumentTypeSerializer

    def get_queryset(self) -> QuerySet[DocumentType]:
        return selectors.document_types_in_order()


class LanguageList(_TaxonomyList[Language]):
    serializer_class = LanguageSerializer

    def get_queryset(self) -> QuerySet[Language]:
        return selectors.languages_by_name()
