"""What the engines need to know of a searched table, and of a column whose values are counted."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Field


@dataclass(frozen=True)
class SearchTable:
    """On SQLite, ``fts_table`` is the model's FTS5 table (rowid = the row's id), ``fts_weights``
    the bm25 weight of each FTS5 column in order, and ``name_columns``
    the FTS5 columns whose hits rank first (a name or an organization, a resource's title)."""

    fts_table: str
    fts_weights: tuple[float, ...]
    name_columns: tuple[str, ...]


EXPERT_TABLE = SearchTable(
    fts_table="experts_expert_fts",
    # name, organization, title, keywords, bio, compact (the name without separators)
    fts_weights=(10.0, 4.0, 4.0, 4.0, 1.0, 10.0),
    name_columns=("name", "organization", "compact"),
)

RESOURCE_TABLE = SearchTable(
    fts_table="experts_resource_fts",
    # title, organization, summary
    fts_weights=(10.0, 4.0, 1.0),
    name_columns=("title", "organization"),
)


@dataclass(frozen=True)
class CountedColumn:
    """A facet's column in the counting statement: selected as ``alias``; ``tags`` when it holds a
    JSON list; ``flag`` names the outcome of its own filter when that filter is active."""

    alias: str
    tags: bool
    flag: str | None


class TableSQL(Expression):
    """A fragment of SQL about the row of the query's base table, ``{table}`` standing for its
    alias: the table's name in the outer query, ``U0`` and so on in a subquery (a raw table name
    there would silently refer to the outer query's row)."""

    def __init__(self, template: str, params: Sequence[Any], output_field: "Field[Any, Any]") -> None:
        super().__init__(output_field=output_field)
        self.template = template
        self.params = tuple(params)

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return self.template.replace("{table}", table), self.params

    def get_group_by_cols(self) -> list[Any]:
        return []
