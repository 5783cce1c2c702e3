"""The search's SQL on PostgreSQL: the stored ``tsvector`` columns, functions and change log of
migration ``experts.0002_search_index``. Every value is a parameter; identifiers come from the
code, never from input.

``experts_search_tsquery(words)`` turns the typed words into one ``tsquery`` (each word any of
its stems or itself unstemmed, the last a prefix); it is IMMUTABLE, so on a constant array it is
folded once when the statement is planned, not called per row.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import BooleanField, FloatField, Model, Q, QuerySet, TextField

from experts.search.counting import TOTAL, CountingStatement, Counts, counts_from_rows, disjunctive_sets
from experts.search.facets import Facet
from experts.search.tables import SearchTable, TableSQL

M = TypeVar("M", bound=Model)


def text_match(table: SearchTable, words: list[str]) -> TableSQL:
    """The row's document matches every word (the GIN index on ``search_document`` answers it)."""
    return TableSQL("{table}.search_document @@ experts_search_tsquery(%s::text[])", (words,), BooleanField())


def names_match(table: SearchTable, words: list[str]) -> TableSQL:
    """Every word is in the names (an expert's name or organization; a resource's title or organization)."""
    return TableSQL("{table}.search_names @@ experts_search_tsquery(%s::text[])", (words,), BooleanField())


def text_rank(table: SearchTable, words: list[str]) -> TableSQL:
    """Higher is better: 1 for a hit in the names, plus ``ts_rank`` of the weighted document
    (names A, title, organization and keywords B, biography or summary C) scaled into [0, 1)."""
    return TableSQL(
        "({table}.search_names @@ experts_search_tsquery(%s::text[]))::integer"
        " + ts_rank({table}.search_document, experts_search_tsquery(%s::text[]), 32)",
        (words, words),
        FloatField(),
    )


def counting_statement(rows: QuerySet[M], facets: Sequence[Facet], active: dict[str, Q]) -> CountingStatement:
    """``ts_stat`` over the facet vectors (``"region:africa"``, ``"*"`` in every row) of each
    disjunctive set: it counts in C every value of every row, several times faster than grouping
    the values of the JSON lists, and sees each value once per row. Its argument is a query text:
    the set's ORM query with its parameters bound by psycopg (``compose_sql``), passed as a
    parameter. (The expert directory counts in memory instead: ``experts.search.directory``.)
    """
    sets = disjunctive_sets(rows, active)
    parts: list[str] = []
    params: list[str] = []
    for index, (_, members) in enumerate(sets):
        vectors = (
            members.order_by()
            .annotate(facet_vector=TableSQL("{table}.search_facets", (), TextField()))
            .values("facet_vector")
        )
        sql, inner_params = vectors.query.sql_with_params()
        parts.append(f"SELECT {index}, word, ndoc FROM ts_stat(%s)")
        params.append(connection.ops.compose_sql(sql, inner_params))  # type: ignore[attr-defined]  # PostgreSQL's

    def parse(found: list[tuple[Any, ...]]) -> Counts:
        rows_found: list[tuple[str, Any, int]] = []
        for index, word, n in found:
            counted = sets[index][0]  # TOTAL: every filter applied; else the facet whose own is not
            if word == "*":
                if counted == TOTAL:
                    rows_found.append((TOTAL, None, n))
                continue
            facet, _, value = word.partition(":")
            if facet == counted or (counted == TOTAL and facet not in active):
                rows_found.append((facet, value, n))
        return counts_from_rows(facets, rows_found)

    return CountingStatement(sql=" UNION ALL ".join(parts), params=params, parse=parse)
