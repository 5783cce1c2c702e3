"""The search's SQL on SQLite (embedded mode): the FTS5 tables of migration
``experts.0002_search_index`` (porter stemming, so English only; accents ignored), kept current by
triggers. Correct rather than fast: the rank is a correlated FTS5 lookup per matched row. Every
value is a parameter; identifiers come from ``SearchTable``.
"""

from collections.abc import Sequence

from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from experts.search.tables import CountedColumn, SearchTable, TableSQL


def fts_query(words: list[str]) -> str:
    """Every word required, the last one a prefix. Words are runs of letters and digits, so
    quoting them makes each a plain FTS5 string whatever it spells (``AND``, ``NEAR``)."""
    *whole, last = words
    return " ".join([*(f'"{word}"' for word in whole), f'"{last}"*'])


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


def _names_query(table: SearchTable, words: list[str]) -> str:
    return f"{{{' '.join(table.name_columns)}}} : ({fts_query(words)})"


def text_rank(table: SearchTable, words: list[str]) -> TableSQL:
    """Higher is better: 1 when every word is found in the name columns, plus bm25 (weighted by
    column) scaled into [0, 1)."""
    query = fts_query(words)
    names = _names_query(table, words)
    weights = ", ".join(str(weight) for weight in table.fts_weights)
    row = "{table}.id"
    fts = table.fts_table
    return TableSQL(
        f"(CASE WHEN {row} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s) THEN 1 ELSE 0 END)"
        f" + (SELECT -bm25({fts}, {weights}) / (1 - bm25({fts}, {weights}))"
        f" FROM {fts} WHERE {fts} MATCH %s AND {fts}.rowid = {row})",
        (names, query),
        FloatField(),
    )


def change_state(table: SearchTable) -> RawSQL | None:
    """Writes are not logged on SQLite: its facet counts are never cached."""
    return None


def facet_counts_sql(
    matched_sql: str, columns: Sequence[CountedColumn], flags: Sequence[str], *, with_state: bool
) -> str:
    """As ``postgres.facet_counts_sql``, with ``json_each`` over the JSON lists (never ``with_state``)."""
    parts = [f"SELECT -1, NULL, count(*) FROM matched WHERE {_all(flags)}"]
    for index, column in enumerate(columns):
        where = _all([flag for flag in flags if flag != column.flag])
        if column.tags:
            parts.append(
                f"SELECT {index}, tag.value, count(*) FROM matched, json_each(matched.{column.alias}) AS tag"
                f" WHERE {where} GROUP BY tag.value"
            )
        else:
            parts.append(
                f"SELECT {index}, matched.{column.alias}, count(*) FROM matched"
                f" WHERE {where} AND matched.{column.alias} IS NOT NULL GROUP BY matched.{column.alias}"
            )
    return f"WITH matched AS MATERIALIZED ({matched_sql}) " + " UNION ALL ".join(parts)


def _all(flags: Sequence[str]) -> str:
    return " AND ".join(f"matched.{flag}" for flag in flags) or "TRUE"
