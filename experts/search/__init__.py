"""Expert and resource search: full text, faceted filters and disjunctive facet counts.

Each facet's counts ignore that facet's own filter ("disjunctive", as faceted engines count:
ticking a second region keeps the third's count). Two ways to answer, each a small constant
number of SQL statements whatever the page size or the number of facet values:

- the expert directory on PostgreSQL (``directory``): ids and every count from each process's
  in-memory index of the directory (``resident``), then the page's rows;
- resources, and everything on SQLite (``_search`` here): the page (the matching rows in order,
  with what their payload needs joined), then the count and every facet count in one statement
  (the rows that fail at most one active filter, counted per facet). The text match and the rank
  are each engine's SQL (``postgres`` over stored ``tsvector`` columns, ``sqlite`` over FTS5);
  filters and facets are the ORM's, the same on both.
"""

import logging
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)

from experts.models import Expert, Resource
from experts.search import postgres, sqlite
from experts.search.counting import CountingStatement
from experts.search.directory import search_directory
from experts.search.facets import EXPERT_FACETS, RESOURCE_FACETS, Facet, all_of
from experts.search.queries import ExpertQuery, ResourceQuery, SearchPage
from experts.search.tables import EXPERT_TABLE, RESOURCE_TABLE, SearchTable, TableSQL
from experts.search.tsquery import UnsupportedQuery
from experts.search.windows import NAMES_WINDOW, RANK_WINDOW
from experts.search.words import query_words

__all__ = ["search_experts", "search_resources"]

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


class Engine(Protocol):
    def text_match(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def names_match(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def text_rank(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def counting_statement(
        self, rows: QuerySet[Any], facets: Sequence[Facet], active: dict[str, Q]
    ) -> CountingStatement: ...


def _engine() -> Engine:
    engine: Any = postgres if connection.vendor == "postgresql" else sqlite
    return engine  # type: ignore[no-any-return]


def search_experts(query: ExpertQuery, *, offset: int, limit: int) -> SearchPage[Expert]:
    """A page of the directory: by relevance then id when ``q`` is given, else by name then id.

    On PostgreSQL the ids and counts come from each process's in-memory index
    (``experts.search.directory``); on SQLite from FTS5 and grouped counts, as resources do."""
    if connection.vendor == "postgresql":
        try:
            return search_directory(query, offset=offset, limit=limit)
        except UnsupportedQuery:
            # The database's query function wrote what the index cannot evaluate (it was changed
            # without experts.search.tsquery): still right, only slower, in SQL.
            logger.exception("expert search falls back to SQL")
    experts = Expert.objects.select_related("user")
    if query.verified is not None:
        experts = experts.filter(verified=query.verified)
    return _search(
        experts,
        query,
        facets=EXPERT_FACETS,
        table=EXPERT_TABLE,
        order=("name", "id"),
        ranked_order=("id",),
        offset=offset,
        limit=limit,
    )


def search_resources(
    query: ResourceQuery, *, visible: QuerySet[Resource], offset: int, limit: int
) -> SearchPage[Resource]:
    """A page of the library, restricted (results, count and facets alike) to ``visible``, the
    caller's visibility. ``visible`` must not repeat rows (no join to a to-many relation).

    Order: by relevance when ``q`` is given, then global before regional before national, then
    newest publication first (undated last), then id.
    """
    resources = visible.select_related("submitted_by").annotate(
        scope_order=Case(
            When(scope=Resource.Scope.GLOBAL, then=Value(0)),
            When(scope=Resource.Scope.REGIONAL, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    if query.statuses:
        resources = resources.filter(status__in=query.statuses)
    order = ("scope_order", F("publication_date").desc(nulls_last=True), "id")
    return _search(
        resources,
        query,
        facets=RESOURCE_FACETS,
        table=RESOURCE_TABLE,
        order=order,
        ranked_order=order,
        offset=offset,
        limit=limit,
    )


def _search(
    rows: QuerySet[M],
    query: ExpertQuery | ResourceQuery,
    *,
    facets: Sequence[Facet],
    table: SearchTable,
    order: Sequence[Any],
    ranked_order: Sequence[Any],
    offset: int,
    limit: int,
) -> SearchPage[M]:
    """``order`` without words; with words, by relevance and then ``ranked_order`` (ending in id)."""
    engine = _engine()
    words = query_words(query.q)
    active = {facet.name: facet.condition(values) for facet in facets if (values := getattr(query, facet.attribute))}
    filtered = rows.filter(all_of(list(active.values())))
    if words:
        matching = filtered.filter(engine.text_match(table, words))
        results = _ranked_page(
            engine, rows, filtered, matching, words, table=table, order=ranked_order, offset=offset, limit=limit
        )
        rows = rows.filter(engine.text_match(table, words))
    else:
        results = list(filtered.order_by(*order)[offset : offset + limit])
    counting = engine.counting_statement(rows, facets, active)
    with connection.cursor() as cursor:
        cursor.execute(counting.sql, counting.params)
        counts = counting.parse(cursor.fetchall())
    return SearchPage(results=results, count=counts.count, facets=counts.facets)


def _ranked_page(
    engine: Engine,
    listed: QuerySet[M],
    filtered: QuerySet[M],
    matching: QuerySet[M],
    words: list[str],
    *,
    table: SearchTable,
    order: Sequence[Any],
    offset: int,
    limit: int,
) -> list[M]:
    """Rows matching the words and every filter (``matching``), by relevance, then ``order``.

    ``filtered`` are the rows passing every filter, ``listed`` every row the search may show
    (with what a page reads). Ranking reads each ranked row's whole document, too slow for a word
    found in most rows. So the candidates are the first ``NAMES_WINDOW`` rows (by id) whose names
    match (the names' index alone finds them: a row's document holds its names) and the first
    ``RANK_WINDOW`` whose document does: every match when there are fewer, ranked exactly. The
    page is read from the candidates' ids alone, the words and filters not tested again. Past
    the candidates (pages beyond a few hundred results of a common word) come the other matches
    in id order, at the cost of one or two more statements (only for such pages).
    """
    by_names = filtered.filter(engine.names_match(table, words)).order_by("id").values("id")[:NAMES_WINDOW]
    by_document = matching.order_by("id").values("id")[:RANK_WINDOW]
    if connection.features.supports_slicing_ordering_in_compound:
        # One subquery (a union): PostgreSQL then joins the candidates' ids to their rows instead
        # of testing each row of the table against two lists.
        is_candidate = Q(id__in=by_names.union(by_document))
    else:  # SQLite
        is_candidate = Q(id__in=by_names) | Q(id__in=by_document)
    ranked: QuerySet[M] = listed.filter(is_candidate).annotate(  # type: ignore[assignment]
        search_rank=engine.text_rank(table, words), search_candidates=Window(Count("id"))
    )
    results = list(ranked.order_by("-search_rank", *order)[offset : offset + limit])
    if len(results) == limit or (not results and offset == 0):
        return results
    candidates: int = results[0].search_candidates if results else listed.filter(is_candidate).count()  # type: ignore[attr-defined]
    if candidates < RANK_WINDOW:
        return results  # fewer matches than the window: every one was a candidate
    rest = matching.exclude(is_candidate).order_by("id")
    start = max(offset - candidates, 0)
    return results + list(rest[start : start + limit - len(results)])
