"""Expert and resource search: full text, faceted filters and disjunctive facet counts, in two queries.

Every search answers with two SQL statements whatever the page size or the number of facet values:

1. the page: the matching rows (text match and every filter) in order, with what their payload
   needs joined (an expert's user, a resource's submitter);
2. the count and every facet count at once: the rows that fail at most one active filter, read
   once, and per facet a grouped count over them that ignores that facet's own filter
   ("disjunctive", as faceted engines count: ticking a second region keeps the third's count).

The text match and the rank are each engine's SQL (``postgres`` over stored ``tsvector`` columns,
``sqlite`` over FTS5); filters and facets are the ORM's, the same on both.
"""

from collections.abc import Sequence
from dataclasses import replace
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
from django.db.models.expressions import RawSQL

from experts.models import Expert, Resource
from experts.search import postgres, sqlite
from experts.search.counting import CountingStatement
from experts.search.counts_cache import cached_counts, counts_key, store_counts, valid_counts
from experts.search.facets import EXPERT_FACETS, RESOURCE_FACETS, Facet, all_of
from experts.search.queries import ExpertQuery, ResourceQuery, SearchPage
from experts.search.tables import EXPERT_TABLE, RESOURCE_TABLE, SearchTable, TableSQL
from experts.search.words import query_words

__all__ = ["search_experts", "search_resources"]

M = TypeVar("M", bound=Model)


# Rows ranked by relevance: the first RANK_WINDOW rows whose document matches and the first
# NAMES_WINDOW whose names match, in id order (see _ranked_page). Each window is one LIMIT the
# planner answers either by reading rows in id order until it is full (a common word) or from
# the GIN index and a sort (a rare one). Measured on 100,000 seeded experts: a names window
# much smaller than the names hits of a rare name tips the planner into reading thousands of
# rows in id order, so it stays large; the document window costs about a row read per place
# divided by the word's frequency.
RANK_WINDOW = 100
NAMES_WINDOW = 200
# Reading a window in id order costs RANK_WINDOW / matches of the table's rows; taking the
# matches from the GIN index costs every match: below this many matches the index is cheaper
# (measured at 100,000 experts: ~3,500; the planner, pricing a page read from the index at four
# times a page read in order, switches near 800 and then reads 17,000 rows for 100 matches).
DENSE_MATCHES = 2_000


class Engine(Protocol):
    def text_match(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def names_match(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def text_rank(self, table: SearchTable, words: list[str]) -> TableSQL: ...

    def change_state(self, table: SearchTable) -> RawSQL | None: ...

    def counting_statement(
        self, rows: QuerySet[Any], facets: Sequence[Facet], active: dict[str, Q], *, with_state: bool
    ) -> CountingStatement: ...


def _engine() -> Engine:
    engine: Any = postgres if connection.vendor == "postgresql" else sqlite
    return engine  # type: ignore[no-any-return]


def search_experts(query: ExpertQuery, *, offset: int, limit: int) -> SearchPage[Expert]:
    """A page of the directory: by relevance then id when ``q`` is given, else by name then id."""
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
    state = engine.change_state(table)
    # The counts depend on the words and filters only (the visibility of a table whose writes are
    # logged is everything): the query without its text, and the words as the engines read them.
    key = counts_key(table.fts_table, words, replace(query, q=""))
    cached = cached_counts(key) if state is not None else None
    # What a page's rows carry (still the model's instances).
    listed: QuerySet[M] = rows if state is None else rows.annotate(search_state=state)  # type: ignore[assignment]
    filtered = listed.filter(all_of(list(active.values())))
    if words:
        rows = rows.filter(engine.text_match(table, words))
        matching = filtered.filter(engine.text_match(table, words))
        results = _ranked_page(
            engine,
            listed,
            filtered,
            matching,
            words,
            table=table,
            order=ranked_order,
            offset=offset,
            limit=limit,
            matches_hint=None if cached is None else cached.count,
        )
    else:
        results = list(filtered.order_by(*order)[offset : offset + limit])
    counts = valid_counts(cached, results[0].search_state) if cached is not None and results else None  # type: ignore[attr-defined]
    if counts is None:
        counting = engine.counting_statement(rows, facets, active, with_state=state is not None)
        with connection.cursor() as cursor:
            cursor.execute(counting.sql, counting.params)
            counts = counting.parse(cursor.fetchall())
        if state is not None:
            store_counts(key, counts)
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
    matches_hint: int | None,
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

    ``matches_hint`` is how many rows matched when the search was last counted, if it was: the
    document window is then read the way that suits it (see ``DENSE_MATCHES``), instead of the
    way the planner guesses.
    """
    # "id + 0" has no index: the planner must take the matches from the GIN index and sort them.
    # The names' hits are some of the matches: with few matches, few too.
    sparse = matches_hint is not None and matches_hint < DENSE_MATCHES
    by_id = F("id") + 0 if sparse else F("id")
    by_names = filtered.filter(engine.names_match(table, words)).order_by(by_id).values("id")[:NAMES_WINDOW]
    by_document = matching.order_by(by_id).values("id")[:RANK_WINDOW]
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
