"""The search's SQL on SQLite (embedded mode): the FTS5 tables of migration
``experts.0002_search_index`` (porter stemming, so English only; accents ignored), kept current by
triggers. Correct rather than fast: the rank is a correlated FTS5 lookup per ranked row, facets
are counted over ``json_each``. Every value is a parameter; identifiers come from the code.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import BooleanField, FloatField, Model, Q, QuerySet

from experts.search.counting import TOTAL, CountingStatement, Counts, counts_from_rows, flagged_rows
from experts.search.facets import Facet
from experts.search.tables import SearchTable, TableSQL

M = TypeVar("M", bound=Model)


def fts_query(words: list[str]) -> str:
    """Every word required, the last one a prefix. Words are runs of letters and digits, so
    quoting them makes each a plain FTS5 string whatever it spells (``AND``, ``NEAR``)."""
    *whole, last = words
    return " ".join([*(f'"{word}"' for word in whole), f'"{last}"*'])


def _names_query(table: SearchTable, words: list[str]) -> str:
    return f"{{{' '.join(table.name_columns)}}} : ({fts_query(words)})"


def text_match(table: SearchTable, words: list[str]) -> TableSQL:
    fts = table.fts_table
    return TableSQL(
        f"{{table}}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", (fts_query(words),), BooleanField()
    )


def names_match(table: SearchTable, words: list[str]) -> TableSQL:
    fts = table.fts_table
    return TableSQL(
        f"{{table}}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", (_names_query(table, words),), BooleanField()
    )


def text_rank(table: SearchTable, words: list[str]) -> TableSQL:
    """Higher is better: 1 when every word is found in the name columns, plus bm25 (weighted by
    column) scaled into [0, 1)."""
    weights = ", ".join(str(weight) for weight in table.fts_weights)
    fts = table.fts_table
    return TableSQL(
        f"(CASE WHEN {{table}}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s) THEN 1 ELSE 0 END)"
        f" + (SELECT -bm25({fts}, {weights}) / (1 - bm25({fts}, {weights}))"
        f" FROM {fts} WHERE {fts} MATCH %s AND {fts}.rowid = {{table}}.id)",
        (_names_query(table, words), fts_query(words)),
        FloatField(),
    )


def counting_statement(rows: QuerySet[M], facets: Sequence[Facet], active: dict[str, Q]) -> CountingStatement:
    """One pass over the rows failing at most one active filter (``flagged_rows``): per facet, a
    grouped count of its values over the rows whose flags pass but its own."""
    matched, columns, flags = flagged_rows(rows, facets, active)
    matched_sql, params = matched.query.sql_with_params()
    parts = [f"SELECT -1, NULL, count(*) FROM matched WHERE {_all(flags)}"]
    for index, column in enumerate(columns):
        where = _all([flag for flag in flags if flag != column.flag])
        if column.tags:
            parts.append(
                f"SELECT {index}, tag.value, count(DISTINCT matched.row_id) FROM matched,"
                f" json_each(matched.{column.alias}) AS tag WHERE {where} GROUP BY tag.value"
            )
        else:
            parts.append(
                f"SELECT {index}, matched.{column.alias}, count(*) FROM matched"
                f" WHERE {where} AND matched.{column.alias} IS NOT NULL GROUP BY matched.{column.alias}"
            )
    sql = f"WITH matched AS MATERIALIZED ({matched_sql}) " + " UNION ALL ".join(parts)

    def parse(found: list[tuple[Any, ...]]) -> Counts:
        return counts_from_rows(
            facets, [(TOTAL if index < 0 else facets[index].name, value, n) for index, value, n in found]
        )

    return CountingStatement(sql=sql, params=params, parse=parse)


def _all(flags: Sequence[str]) -> str:
    return " AND ".join(f"matched.{flag}" for flag in flags) or "TRUE"
