"""Importing the spreadsheets organizations already keep: experts and resources from CSV files.

The file is read as it streams (a 100,000-row file never sits in memory), checked row by row
against the taxonomy (``gcm.vocabulary``), and the good rows are stored in batches inside one
transaction; every rejected row is reported with its line in the file (the header is line 1; a
row whose quoted cell spans several lines is reported at its first) and each reason. A problem
with the file itself (not UTF-8, a required column missing, a column name misspelt) stops the
import before anything is stored.

Cells that hold lists take ``;`` between values, or ``,`` when the cell has no ``;`` (a country
named with a comma, "Egypt, Arab Rep.", is still read whole). Columns are documented in
``EXPERT_COLUMNS`` and ``RESOURCE_COLUMNS`` (the commands' help and docs/operations.md show them).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from experts.bulk import RowWriter
from experts.imports.rows import (
    EXPERT_COLUMNS,
    RESOURCE_COLUMNS,
    ExpertRow,
    FirstLines,
    RejectedRow,
    ResourceRow,
    read_expert,
    read_resource,
)
from experts.imports.table import CsvRow, CsvTable, ImportFileError
from experts.imports.taxonomy import Taxonomy
from experts.models import Expert, Resource

__all__ = [
    "EXPERT_COLUMNS",
    "RESOURCE_COLUMNS",
    "ImportFileError",
    "ImportSummary",
    "RejectedRow",
    "import_experts",
    "import_resources",
]

BATCH_SIZE = 1000
R = TypeVar("R")


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0  # already in the Hub
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)  # the file's columns that are not ours

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.skipped} skipped (already in the Hub), "
            f"{self.rejected} rejected"
        )


def import_experts(lines: Iterable[str], *, update: bool, dry_run: bool,
                   on_rejected: Callable[[RejectedRow], object]) -> ImportSummary:  # fmt: skip
    """Creates an expert per good row. A row whose email is an existing expert's (case-insensitive)
    is skipped, or with ``update`` sets the fields of the file's columns on that expert.

    One transaction, rolled back for ``dry_run`` (which counts what would happen). Raises
    ``ImportFileError`` (nothing stored) when the file cannot be read.
    """
    table = CsvTable(lines, EXPERT_COLUMNS, required=("name", "email"))
    taxonomy = Taxonomy.load()
    emails = FirstLines()

    def read(row: CsvRow) -> ExpertRow | RejectedRow:
        return read_expert(row, taxonomy, table.columns, emails)

    def store(rows: list[ExpertRow], summary: ImportSummary) -> None:
        _store_experts(rows, update=update, taxonomy=taxonomy, summary=summary)

    return _import(table, read, store, dry_run=dry_run, on_rejected=on_rejected)


def import_resources(lines: Iterable[str], *, dry_run: bool,
                     on_rejected: Callable[[RejectedRow], object]) -> ImportSummary:  # fmt: skip
    """Creates a resource per good row; one with the link (or, without a link, the kind and title)
    of a stored resource is skipped. Transaction, ``dry_run`` and errors as ``import_experts``."""
    table = CsvTable(lines, RESOURCE_COLUMNS, required=("kind", "title"))
    taxonomy = Taxonomy.load()
    seen = FirstLines()

    def read(row: CsvRow) -> ResourceRow | RejectedRow:
        return read_resource(row, taxonomy, seen)

    return _import(table, read, _store_resources, dry_run=dry_run, on_rejected=on_rejected)


def _import(table: CsvTable, read: Callable[[CsvRow], R | RejectedRow], store: Callable[[list[R], ImportSummary], None],
            *, dry_run: bool, on_rejected: Callable[[RejectedRow], object]) -> ImportSummary:  # fmt: skip
    summary = ImportSummary(ignored_columns=table.ignored)
    with transaction.atomic():
        for batch in _batches(table.rows()):
            good = []
            for row in batch:
                result = read(row)
                if isinstance(result, RejectedRow):
                    summary.rejected += 1
                    on_rejected(result)
                else:
                    good.append(result)
            store(good, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _store_experts(rows: list[ExpertRow], *, update: bool, taxonomy: Taxonomy, summary: ImportSummary) -> None:
    existing: dict[str, list[Expert]] = {}
    addresses = [row.email.lower() for row in rows]
    for found in Expert.objects.annotate(address=Lower("email")).filter(address__in=addresses):
        existing.setdefault(found.email.lower(), []).append(found)
    with RowWriter(Expert, batch_size=BATCH_SIZE) as writer:
        writer.add_all(row.new_expert() for row in rows if row.email.lower() not in existing)
    summary.created += writer.count
    matched = [row for row in rows if row.email.lower() in existing]
    if not update:
        summary.skipped += len(matched)
        return
    now = timezone.now()
    changed = []
    for row in matched:
        for expert in existing[row.email.lower()]:
            row.update(expert, taxonomy)
            expert.updated_at = now  # bulk_update does not stamp auto_now fields
            changed.append(expert)
    if changed:
        Expert.objects.bulk_update(changed, [*sorted(matched[0].columns - {"email"}), "regions", "updated_at"])
    summary.updated += len(matched)


def _store_resources(rows: list[ResourceRow], summary: ImportSummary) -> None:
    stored = _stored_matches(rows)
    new = [row.resource for row in rows if row.match not in stored]
    Resource.objects.bulk_create(new)
    summary.created += len(new)
    summary.skipped += len(rows) - len(new)


def _stored_matches(rows: list[ResourceRow]) -> set[str]:
    """The rows' ``match`` values that stored resources already have. (SQLite's LOWER folds ASCII
    letters only: there, a title differing in the case of an accented letter is not a match.)"""
    urls = [row.resource.url for row in rows if row.resource.url]
    titles = [row.resource.title.lower() for row in rows if not row.resource.url]
    found = set(Resource.objects.filter(url__in=urls).values_list("url", flat=True))
    by_title = Resource.objects.annotate(lower_title=Lower("title")).filter(lower_title__in=titles)
    found.update(f"{kind}:{title.lower()}" for kind, title in by_title.values_list("kind", "title"))
    return found


def _batches(rows: Iterator[CsvRow]) -> Iterator[list[CsvRow]]:
    while batch := list(islice(rows, BATCH_SIZE)):
        yield batch
