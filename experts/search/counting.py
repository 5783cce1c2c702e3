"""What a counting statement is, and the ORM halves of the two engines' counting statements.

Each engine writes one statement that counts, for a search, the rows passing every filter and
each facet's values over the rows passing every filter but that facet's own ("disjunctive", as
faceted engines count). ``postgres`` counts each of those sets with ``ts_stat`` over the rows'
facet vectors; ``sqlite`` reads once the rows failing at most one filter, with a flag per filter.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, F, Model, Q, QuerySet

from experts.search.facets import Facet, all_of, failing_at_most_one
from experts.search.queries import Facets
from experts.search.tables import CountedColumn

M = TypeVar("M", bound=Model)

# The facet name of the total count's row.
TOTAL = ""


@dataclass(frozen=True)
class Counts:
    """How many rows match, and each facet's counts."""

    count: int
    facets: Facets


@dataclass(frozen=True)
class CountingStatement:
    """``sql`` answers rows that ``parse`` turns into ``Counts``."""

    sql: str
    params: Sequence[Any]
    parse: Callable[[list[tuple[Any, ...]]], Counts]


def counts_from_rows(facets: Sequence[Facet], rows: list[tuple[str, Any, int]]) -> Counts:
    """``(facet name, value, count)`` rows, ``(TOTAL, _, count)`` among them."""
    count = 0
    counts: dict[str, dict[str, int]] = {facet.name: {} for facet in facets}
    for name, value, n in sorted(rows, key=lambda row: (-row[2], str(row[1]))):
        if name == TOTAL:
            count = n
        elif name in counts and n > 0:
            counts[name][str(value)] = n
    return Counts(count=count, facets=counts)


def disjunctive_sets(rows: QuerySet[M], active: dict[str, Q]) -> list[tuple[str, QuerySet[M]]]:
    """``(TOTAL, rows passing every filter)``, then ``(facet name, rows passing every other filter)``
    for each active facet: the sets whose counts a search shows."""
    sets = [(TOTAL, rows.filter(all_of(list(active.values()))))]
    for name in active:
        sets.append((name, rows.filter(all_of([c for other, c in active.items() if other != name]))))
    return sets


def flagged_rows(
    rows: QuerySet[M], facets: Sequence[Facet], active: dict[str, Q]
) -> tuple[QuerySet[M], list[CountedColumn], list[str]]:
    """The rows failing at most one active filter, their id as ``row_id``, each facet's column as
    ``counted_<i>`` and each active filter's outcome as ``passes_<i>``: every disjunctive set in
    one pass over the rows."""
    flags = {name: f"passes_{index}" for index, name in enumerate(active)}
    columns = [CountedColumn(f"counted_{i}", facet.tags, flags.get(facet.name)) for i, facet in enumerate(facets)]
    selected: dict[str, Any] = {column.alias: F(facet.field) for column, facet in zip(columns, facets, strict=True)}
    selected["row_id"] = F("id")
    for name, condition in active.items():
        selected[flags[name]] = ExpressionWrapper(condition, output_field=BooleanField())
    matched = rows.filter(failing_at_most_one(list(active.values()))).order_by().values(**selected)
    return matched, columns, list(flags.values())  # type: ignore[return-value]
