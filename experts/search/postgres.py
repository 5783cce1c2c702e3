"""The search's SQL on PostgreSQL: the stored ``tsvector`` columns, functions and change log of
migration ``experts.0002_search_index``. Every value is a parameter; identifiers come from model
metadata (``SearchTable``).

``experts_search_tsquery(words)`` turns the typed words into one ``tsquery`` (each word any of
its stems or itself unstemmed, the last a prefix); it is IMMUTABLE, so on a constant array it is
folded once when the statement is planned, not called per row.
"""

from collections.abc import Sequence

from django.db.models import BooleanField, FloatField, TextField
from django.db.models.expressions import RawSQL

from experts.search.tables import CountedColumn, SearchTable, TableSQL

# What the snapshot sees of the change log (experts.search.counts_cache).
CHANGES_FINGERPRINT = (
    "(SELECT md5(coalesce(string_agg(change.id::text, ',' ORDER BY change.id), '')) "
    "FROM experts_search_change AS change)"
)


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


def change_state(table: SearchTable) -> RawSQL | None:
    """The fingerprint of the writes this snapshot sees, for a table whose writes are logged."""
    if not table.changes_logged:
        return None
    return RawSQL(CHANGES_FINGERPRINT, (), output_field=TextField())


def facet_counts_sql(
    matched_sql: str, columns: Sequence[CountedColumn], flags: Sequence[str], *, with_state: bool
) -> str:
    """One statement answering ``(column index, value, count)`` rows, ``(-1, NULL, count)`` for the
    rows passing every filter and, ``with_state``, ``(-2, fingerprint, 0)``. ``matched_sql``
    selects each counted column as ``column.alias`` and each active filter's outcome as a boolean
    named in ``flags``; each column's counts apply every flag but its own (disjunctive facets).
    The CTE is read once (materialized)."""
    parts = [f"SELECT -1, NULL::text, count(*) FROM matched WHERE {_all(flags)}"]
    if with_state:
        parts.append(f"SELECT -2, {CHANGES_FINGERPRINT}, 0")
    for index, column in enumerate(columns):
        where = _all([flag for flag in flags if flag != column.flag])
        if column.tags:
            parts.append(
                f"SELECT {index}, tag.value, count(*) FROM matched"
                f" CROSS JOIN LATERAL jsonb_array_elements_text(matched.{column.alias}) AS tag(value)"
                f" WHERE {where} GROUP BY tag.value"
            )
        else:
            parts.append(
                f"SELECT {index}, matched.{column.alias}::text, count(*) FROM matched"
                f" WHERE {where} AND matched.{column.alias} IS NOT NULL GROUP BY matched.{column.alias}"
            )
    return f"WITH matched AS MATERIALIZED ({matched_sql}) " + " UNION ALL ".join(parts)


def _all(flags: Sequence[str]) -> str:
    return " AND ".join(f"matched.{flag}" for flag in flags) or "TRUE"
