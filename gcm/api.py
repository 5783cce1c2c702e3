"""Read-only, public taxonomy endpoints; small fixed lists, so none is paginated."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from gcm import names, selectors
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


class _NamedList(_TaxonomyList[_M]):
    """Listed in the alphabetical order of the names in the request's language (``shown_name``)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = names.in_name_order(self.get_queryset())  # type: ignore[type-var]  # each _M here has a shown_name
        return Response(self.get_serializer(rows, many=True).data)


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


class RegionList(_NamedList[Region]):
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return selectors.regions_by_name()


class CountryList(_NamedList[Country]):
    serializer_class = CountrySerializer

    def get_queryset(self) -> QuerySet[Country]:
        return selectors.countries_by_name()


class DocumentTypeList(_TaxonomyList[DocumentType]):
    serializer_class = DocumentTypeSerializer

    def get_queryset(self) -> QuerySet[DocumentType]:
        return selectors.document_types_in_order()


class LanguageList(_NamedList[Language]):
    serializer_class = LanguageSerializer

    def get_queryset(self) -> QuerySet[Language]:
        return selectors.languages_by_name()
