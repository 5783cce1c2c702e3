"""What the engines need to know of a searched table, and of a column whose values are counted."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchTable:
    """``db_table`` is the model's table. On SQLite, ``fts_table`` is its FTS5 table (rowid = the
    row's id), ``fts_weights`` the bm25 weight of each FTS5 column in order, and ``name_columns``
    the FTS5 columns whose hits rank first (a name or an organization, a resource's title)."""

    db_table: str
    fts_table: str
    fts_weights: tuple[float, ...]
    name_columns: tuple[str, ...]


EXPERT_TABLE = SearchTable(
    db_table="experts_expert",
    fts_table="experts_expert_fts",
    # name, organization, title, keywords, bio, compact (the name without separators)
    fts_weights=(10.0, 4.0, 4.0, 4.0, 1.0, 10.0),
    name_columns=("name", "organization", "compact"),
)

RESOURCE_TABLE = SearchTable(
    db_table="experts_resource",
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
