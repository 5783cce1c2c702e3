"""The search's SQL on PostgreSQL: the stored ``tsvector`` columns and functions of migration
``experts.0002_search_index``. Every value is a parameter; identifiers come from model metadata.

``experts_search_tsquery(words)`` turns the typed words into one ``tsquery`` (each word any of
its stems or itself unstemmed, the last a prefix); it is IMMUTABLE, so on a constant array it is
folded once when the statement is planned, not called per row.
"""

from collections.abc import Sequence

from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from experts.search.tables import CountedColumn, SearchTable


def text_match(table: SearchTable, words: list[str]) -> RawSQL:
    """The row's document matches every word (the GIN index on ``search_document`` answers it)."""
    return RawSQL(
        f'"{table.db_table}"."search_document" @@ experts_search_tsquery(%s::text[])',
        (words,),
        output_field=BooleanField(),
    )


def text_rank(table: SearchTable, words: list[str]) -> RawSQL:
    """Higher is better: 1 when every word is found in the names (name, organization; a resource's
    title) plus ``ts_rank`` of the weighted document scaled into [0, 1) (normalization 32)."""
    qualified = f'"{table.db_table}"'
    return RawSQL(
        f"({qualified}.search_names @@ experts_search_tsquery(%s::text[]))::integer"
        f" + ts_rank({qualified}.search_document, experts_search_tsquery(%s::text[]), 32)",
        (words, words),
        output_field=FloatField(),
    )


def facet_counts_sql(matched_sql: str, columns: Sequence[CountedColumn], flags: Sequence[str]) -> str:
    """One statement answering ``(column index, value, count)`` rows, and ``(-1, NULL, count)`` for
    the rows passing every filter. ``matched_sql`` selects each counted column as ``column.alias``
    and each active filter's outcome as a boolean named in ``flags``; each column's counts apply
    every flag but its own (disjunctive facets). The CTE is read once (materialized)."""
    parts = [f"SELECT -1, NULL::text, count(*) FROM matched WHERE {_all(flags)}"]
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
