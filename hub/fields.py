"""A list of taxonomy keys stored in one column, filterable by "any of" on PostgreSQL and SQLite alike.

Experts, resources and events are tagged with objective keys, principle and region slugs, ISO
country and language codes. Those keys never change (the contract promises it), so they are
stored as a JSON list in the tagged row itself rather than through join tables: a filter is one
predicate on the row, facet counts are one ``GROUP BY`` over the list's elements, and on
PostgreSQL a GIN index (``jsonb_ops``) answers ``?|`` ("has any of") without touching the table.

``Model.objects.filter(objectives__overlaps=["9", "10"])`` means "tagged 9 or 10" on both
databases: ``?|`` on PostgreSQL, ``json_each`` on SQLite (correct, without an index).
"""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Lookup
from django.db.models.sql.compiler import SQLCompiler


class TagsField(models.JSONField):
    """A JSON list of short strings (taxonomy keys); empty by default."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs


@TagsField.register_lookup
class Overlaps(Lookup):
    """``tags__overlaps=[...]``: the row carries at least one of the given tags."""

    lookup_name = "overlaps"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(self.rhs)
        if not all(isinstance(value, str) for value in values):
            raise TypeError("overlaps takes a list of strings")
        return values

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values: list[str] = self.rhs
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} ?| %s", [*lhs_params, values]
        placeholders = ", ".join(["%s"] * len(values))
        return (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({placeholders}))",  # noqa: S608 (placeholders only)
            [*lhs_params, *values],
        )
