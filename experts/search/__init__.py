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
from typing import Any, Protocol, TypeVar

from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from experts.models import Expert, Resource
from experts.search import postgres, sqlite
from experts.search.facets import EXPERT_FACETS, RESOURCE_FACETS, Facet, all_of, failing_at_most_one
from experts.search.queries import ExpertQuery, Facets, ResourceQuery, SearchPage
from experts.search.tables import EXPERT_TABLE, RESOURCE_TABLE, CountedColumn, SearchTable
from experts.search.words import query_words

__all__ = ["search_experts", "search_resources"]

M = TypeVar("M", bound=Model)


class Engine(Protocol):
    def text_match(self, table: SearchTable, words: list[str]) -> RawSQL: ...

    def text_rank(self, table: SearchTable, words: list[str]) -> RawSQL: ...

    def facet_counts_sql(self, matched_sql: str, columns: Sequence[CountedColumn], flags: Sequence[str]) -> str: ...


def _engine() -> Engine:
    engine: Any = postgres if connection.vendor == "postgresql" else sqlite
    return engine  # type: ignore[no-any-return]


def search_experts(query: ExpertQuery, *, offset: int, limit: int) -> SearchPage[Expert]:
    """A page of the directory: by relevance then id when ``q`` is given, else by name then id."""
    experts = Expert.objects.select_related("user")
    if query.verified is not None:
        experts = experts.filter(verified=query.verified)
    return _search(
        experts, query, facets=EXPERT_FACETS, table=EXPERT_TABLE, order=("name", "id"), offset=offset, limit=limit
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
        resources, query, facets=RESOURCE_FACETS, table=RESOURCE_TABLE, order=order, offset=offset, limit=limit
    )


def _search(
    rows: QuerySet[M],
    query: ExpertQuery | ResourceQuery,
    *,
    facets: Sequence[Facet],
    table: SearchTable,
    order: Sequence[Any],
    offset: int,
    limit: int,
) -> SearchPage[M]:
    engine = _engine()
    words = query_words(query.q)
    if words:
        rows = rows.filter(engine.text_match(table, words))
    active = {facet.name: facet.condition(values) for facet in facets if (values := getattr(query, facet.attribute))}
    page = rows.filter(all_of(list(active.values())))
    if words:
        # The rank is a float annotation; the rows stay instances of the model.
        ranked: QuerySet[M] = page.annotate(search_rank=engine.text_rank(table, words))  # type: ignore[assignment]
        page = ranked.order_by("-search_rank", *order)
    else:
        page = page.order_by(*order)
    results = list(page[offset : offset + limit])
    count, counts = _facet_counts(engine, rows, facets, active)
    return SearchPage(results=results, count=count, facets=counts)


def _facet_counts(
    engine: Engine, rows: QuerySet[M], facets: Sequence[Facet], active: dict[str, Q]
) -> tuple[int, Facets]:
    """How many rows pass every filter, and each facet's counts over the rows passing every other."""
    flags = {name: f"passes_{index}" for index, name in enumerate(active)}
    columns = [
        CountedColumn(f"counted_{index}", facet.tags, flags.get(facet.name)) for index, facet in enumerate(facets)
    ]
    selected: dict[str, Any] = {column.alias: F(facet.field) for column, facet in zip(columns, facets, strict=True)}
    for name, condition in active.items():
        selected[flags[name]] = ExpressionWrapper(condition, output_field=BooleanField())
    matched = rows.filter(failing_at_most_one(list(active.values()))).order_by().values(**selected)
    matched_sql, params = matched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(engine.facet_counts_sql(matched_sql, columns, list(flags.values())), params)
        found = cursor.fetchall()
    count = 0
    counts: dict[str, dict[str, int]] = {facet.name: {} for facet in facets}
    for index, value, n in sorted(found, key=lambda row: (row[0], -row[2], str(row[1]))):
        if index < 0:
            count = n
        else:
            counts[facets[index].name][str(value)] = n
    return count, counts
