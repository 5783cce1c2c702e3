"""Read-only, public taxonomy endpoints; small fixed lists, so none is paginated."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions

from gcm import selectors
from gcm.serializers import (
    CountrySerializer,
    DocumentTypeSerializer,
    GuidingPrincipleSerializer,
    LanguageSerializer,
    ObjectiveDetailSerializer,
    ObjectiveSerializer,
    RegionSerializer,
)


class _TaxonomyList(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []


class ObjectiveList(_TaxonomyList):
    serializer_class = ObjectiveSerializer

    def get_queryset(self):
        return selectors.objectives_in_order()


@extend_schema_view(get=extend_schema(operation_id="objective_retrieve"))
class ObjectiveDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ObjectiveDetailSerializer

    def get_object(self):
        return selectors.objective_for_page(self.kwargs["key"])


class PrincipleList(_TaxonomyList):
    serializer_class = GuidingPrincipleSerializer

    def get_queryset(self):
        return selectors.principles_in_order()


class RegionList(_TaxonomyList):
    serializer_class = RegionSerializer

    def get_queryset(self):
        return selectors.regions_by_name()


class CountryList(_TaxonomyList):
    serializer_class = CountrySerializer

    def get_queryset(self):
        return selectors.countries_by_name()


class DocumentTypeList(_TaxonomyList):
    serializer_class = DocumentTypeSerializer

    def get_queryset(self):
        return selectors.document_types_in_order()


class LanguageList(_TaxonomyList):
    serializer_class = LanguageSerializer

    def get_queryset(self):
        return selectors.languages_by_name()
