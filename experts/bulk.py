"""Inserting many rows of one model as they are made: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``seed_demo --experts 100000`` and a 100,000-row CSV import spend their time per row. On
PostgreSQL, measured on 10,000 demo profiles with the search trigger disabled, ``bulk_create``
in batches of 1,000 took 2.7 to 4.5 s where ``COPY`` of the same rows took 1.4 to 1.7 s (the
ORM builds and binds an ``INSERT`` of 17,000 parameters per batch). And one ``COPY`` for the
whole run streams each row to the server as soon as it is made, so the server runs the
search-index trigger on it (most of the run's time) while the next rows are being made,
instead of the two taking turns batch by batch.

The values written are the ones ``bulk_create`` would write: each field's ``pre_save`` (which
stamps ``auto_now`` fields) and ``get_db_prep_save``, JSON fields as their JSON text
(``tests/experts/test_demo.py`` checks that both ways store the same rows).
"""

import json
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from functools import partial
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from django.db import connection
from django.db.models import Field, JSONField, Model

M = TypeVar("M", bound=Model)


class RowWriter(Generic[M]):
    """``with RowWriter(Expert, batch_size=1000) as rows: rows.add(expert)`` inserts every instance
    added, by the time the block ends (sooner when batches fill).

    Call inside a transaction: a failure part-way leaves the rows written so far to its rollback.
    Instances do not get their primary keys (``COPY`` returns none): where they are needed, use
    ``bulk_create``. Between ``add`` calls the connection is busy with the ``COPY`` on
    PostgreSQL: run no other query inside the block.
    """

    def __init__(self, model: type[M], *, batch_size: int, use_copy: bool | None = None) -> None:
        self.model = model
        self.batch_size = batch_size
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.fields: list[Field[Any, Any]] = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.columns = [field.column for field in self.fields if field.column is not None]  # every concrete one has
        self._prepare = [_preparer(field) for field in self.fields]
        self.count = 0
        self._batch: list[M] = []
        self._copy: Any = None  # psycopg's Copy, while the block runs on PostgreSQL
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        if self.use_copy:
            columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
            table = connection.ops.quote_name(self.model._meta.db_table)
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(cursor.copy(f"COPY {table} ({columns}) FROM STDIN"))
        return self

    def add(self, instance: M) -> None:
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(self._values(instance))
            return
        self._batch.append(instance)
        if len(self._batch) >= self.batch_size:
            self._flush()

    def add_all(self, instances: Iterable[M]) -> None:
        for instance in instances:
            self.add(instance)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        with self._stack:
            if kind is None:
                self._flush()

    def _flush(self) -> None:
        if self._batch:
            self.model._default_manager.bulk_create(self._batch)
            self._batch = []

    def _values(self, instance: M) -> list[Any]:
        return [
            prepare(field.pre_save(instance, True)) for field, prepare in zip(self.fields, self._prepare, strict=True)
        ]


def _preparer(field: "Field[Any, Any]") -> Callable[[Any], Any]:
    """What turns a field's value into what COPY sends: JSON fields' text, else ``get_db_prep_save``."""
    if isinstance(field, JSONField):
        return (field.encoder or json.JSONEncoder)().encode  # one encoder for every row
    return partial(field.get_db_prep_save, connection=connection)
