"""What the two search pages (the expert directory and the library) share: facet groups with their
counts, page links, and the partial answer their script asks for while the user types.

A search page is a plain GET form: without JavaScript, ticking boxes and pressing "Apply" loads the
page again. ``static/experts/search.js`` sends the same form with ``partial=1`` as the user types
or ticks, and gets ``experts/_search_live.html``: the count, every facet's counts and the results,
rendered by the same templates as the full page, which it swaps in place.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django_stubs_ext import StrPromise

from experts.forms import Facet, SearchForm, facet_labels
from experts.search.queries import SearchPage
from experts.selectors.pages import Labels

PAGE_SIZE = 20
PARTIAL = "partial"


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str | StrPromise
    count: int | None  # None: the search gave no counts for this facet
    checked: bool

    @property
    def empty(self) -> bool:
        """Nothing in the filtered set carries it, and it is not ticked (so it cannot be unticked)."""
        return self.count == 0 and not self.checked


@dataclass(frozen=True)
class FacetGroup:
    facet: Facet
    options: list[FacetOption]


@dataclass(frozen=True)
class Paging:
    number: int
    size: int
    count: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def first(self) -> int:
        """The position of the page's first result in the whole list (for the list's ``start``)."""
        return (self.number - 1) * self.size + 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def facet_groups(facets: Sequence[Facet], form: SearchForm, counts: Mapping[str, Mapping[str, int]],
                 labels: Labels) -> list[FacetGroup]:  # fmt: skip
    chosen = form.values()
    groups = []
    for facet in facets:
        facet_counts = counts.get(facet.name)
        ticked = set(chosen.get(facet.name, []))
        options = [
            FacetOption(value, label, None if facet_counts is None else facet_counts.get(value, 0), value in ticked)
            for value, label in facet_labels(facet, labels).items()
        ]
        groups.append(FacetGroup(facet, options))
    return groups


def search_context(request: HttpRequest, *, form: SearchForm, page: SearchPage[Any], number: int,
                   labels: Labels) -> dict[str, Any]:  # fmt: skip
    # The page links keep every filter but never the script's ``partial`` flag.
    params: QueryDict = request.GET.copy()
    params.pop(PARTIAL, None)
    return {
        "form": form,
        "q": form.values()["q"],
        "results": page.results,
        "count": page.count,
        "facet_groups": facet_groups(form.facets, form, page.facets, labels),
        "paging": Paging(number=number, size=PAGE_SIZE, count=page.count),
        "params": params,
        "labels": labels,
        "filtered": any(form.values()[facet.name] for facet in form.facets) or bool(form.values()["q"]),
    }


def is_partial(request: HttpRequest) -> bool:
    return request.GET.get(PARTIAL) == "1"
