"""What a search asks for and what it answers: the interface between the API, the pages and the engines.

``experts.search`` runs these on PostgreSQL (a stored, weighted ``tsvector`` per row, GIN indexes)
or on SQLite (FTS5); both answer the same ``SearchPage``.
"""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

# Facet name → value → how many rows of the filtered set (every *other* filter applied) carry it.
Facets = dict[str, dict[str, int]]


@dataclass(frozen=True)
class ExpertQuery:
    """``q`` is full text (the last word a prefix); each tuple is "any of" (empty: no filter)."""

    q: str = ""
    objectives: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    available_for: tuple[str, ...] = ()
    verified: bool | None = None


@dataclass(frozen=True)
class ResourceQuery:
    q: str = ""
    kinds: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # staff and reviewers only; the API refuses it to others


@dataclass(frozen=True)
class SearchPage(Generic[T]):
    """One page of results (in order), how many match in all, and the facet counts."""

    results: list[T]
    count: int
    facets: Facets = field(default_factory=dict)
