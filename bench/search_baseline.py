"""The expert search done the naive way, for ``bench.search`` to measure the Hub's against (bench only).

The same URL and answer as ``GET /api/v1/experts/`` (``{count, next, previous, results,
facets}``), written as a DRF tutorial would: DRF's ``SearchFilter`` (every word, ``icontains``
over name, title, organization, biography and the keywords list cast to text, so a sequential
scan), the same "any of" facet filters, Django's ordering, ``PageNumberPagination``, and each
facet count as its own ``COUNT(*)``: one query per facet value, disjunctive like the Hub's (a
facet's counts apply every filter but its own). Nothing in production imports this module; the
benchmark serves it from a second server process whose settings (``bench.search_settings``) make
this module the URLconf.
"""

from typing import Any

from django.db.models import QuerySet
from django.urls import include, path
from rest_framework import filters, generics, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from experts.models import Expert
from experts.payloads.experts import expert_payload
from gcm.vocabulary import Vocabulary, normalized_tag, vocabulary_values

# Query parameter → (model field, vocabulary); the facets are those the Hub's endpoint counts.
FILTERS: dict[str, tuple[str, Vocabulary | None]] = {
    "objective": ("objectives", Vocabulary.OBJECTIVE),
    "principle": ("principles", Vocabulary.PRINCIPLE),
    "region": ("regions", Vocabulary.REGION),
    "country": ("countries", Vocabulary.COUNTRY),
    "language": ("languages", Vocabulary.LANGUAGE),
    "available_for": ("available_for", None),
}
FACETS = tuple(FILTERS)


class QuerySearchFilter(filters.SearchFilter):
    search_param = "q"


class Pages(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def tag_values(name: str) -> list[str]:
    vocabulary = FILTERS[name][1]
    if vocabulary is None:
        return [choice.value for choice in Expert.Availability]
    return sorted(vocabulary_values(vocabulary))


class BaselineExpertList(generics.ListAPIView[Expert]):
    pagination_class = Pages
    filter_backends = [QuerySearchFilter]
    # ``keywords`` is a JSON list: ``icontains`` on it compares the list's text (``UPPER(keywords::text)``).
    search_fields = ["name", "title", "organization", "bio", "keywords"]

    def chosen(self) -> dict[str, list[str]]:
        chosen = {}
        for name, (_field, vocabulary) in FILTERS.items():
            raw = [part for value in self.request.query_params.getlist(name) for part in value.split(",") if part]
            if raw:
                chosen[name] = [normalized_tag(vocabulary, value) if vocabulary else value for value in raw]
        return chosen

    def searched(self) -> QuerySet[Expert]:
        return self.filter_queryset(Expert.objects.all())

    def get_queryset(self) -> QuerySet[Expert]:
        queryset = Expert.objects.select_related("user")
        for name, values in self.chosen().items():
            queryset = queryset.filter(**{f"{FILTERS[name][0]}__overlaps": values})
        return queryset

    def facets(self) -> dict[str, dict[str, int]]:
        chosen = self.chosen()
        counted: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            base = self.searched()
            for name, values in chosen.items():
                if name != facet:
                    base = base.filter(**{f"{FILTERS[name][0]}__overlaps": values})
            counts = {value: base.filter(**{f"{FILTERS[facet][0]}__overlaps": [value]}).count()
                      for value in tag_values(facet)}  # fmt: skip
            counted[facet] = {value: count for value, count in counts.items() if count}
        return counted

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The Hub's JSON for each expert (``expert_payload``), so both servers write the same answer.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # (pagination_class is set)
        response = self.get_paginated_response([expert_payload(expert) for expert in page])
        response.data["facets"] = self.facets()
        return response


urlpatterns = [
    path("api/v1/experts/", BaselineExpertList.as_view()),
    path("", include("config.urls")),
]
