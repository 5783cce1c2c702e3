"""The facets of each search: which query attribute filters which column, and how.

A facet is either a tag list (``TagsField``: "carries any of") or a plain column ("is one of").
Both engines share these definitions; only the SQL that counts them differs.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q


@dataclass(frozen=True)
class Facet:
    """``name`` is the facet's key in ``SearchPage.facets``; ``attribute`` the query's tuple of values;
    ``column`` the database column; ``tags`` whether that column is a ``TagsField``."""

    name: str
    attribute: str
    field: str
    column: str
    tags: bool = True

    def condition(self, values: tuple[str, ...]) -> Q:
        if self.tags:
            return Q(**{f"{self.field}__overlaps": list(values)})
        return Q(**{f"{self.field}__in": values})


EXPERT_FACETS: tuple[Facet, ...] = (
    Facet("objective", "objectives", "objectives", "objectives"),
    Facet("principle", "principles", "principles", "principles"),
    Facet("region", "regions", "regions", "regions"),
    Facet("country", "countries", "countries", "countries"),
    Facet("language", "languages", "languages", "languages"),
    Facet("available_for", "available_for", "available_for", "available_for"),
)

RESOURCE_FACETS: tuple[Facet, ...] = (
    Facet("kind", "kinds", "kind", "kind", tags=False),
    Facet("objective", "objectives", "objectives", "objectives"),
    Facet("principle", "principles", "principles", "principles"),
    Facet("region", "regions", "regions", "regions"),
    Facet("country", "countries", "countries", "countries"),
    Facet("document_type", "document_types", "document_type_id", "document_type", tags=False),
    Facet("language", "languages", "languages", "languages"),
    Facet("scope", "scopes", "scope", "scope", tags=False),
)


def all_of(conditions: list[Q]) -> Q:
    return reduce(operator.and_, conditions, Q())


def failing_at_most_one(conditions: list[Q]) -> Q:
    """Rows that pass every condition but at most one: the union of the sets each facet's counts
    are taken over (a facet's counts ignore its own filter)."""
    if len(conditions) < 2:
        return Q()
    return reduce(
        operator.or_, (all_of([c for j, c in enumerate(conditions) if j != i]) for i in range(len(conditions)))
    )
