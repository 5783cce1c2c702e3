from typing import Any

from experts.imports import RESOURCE_COLUMNS, import_resources
from experts.management.commands._importing import ImportCommand, columns_help


class Command(ImportCommand):
    help = (
        "Import resources into the library from a CSV file, one per row. They are stored as approved "
        "unless the status column says otherwise: staff import material already reviewed. A row with the "
        "link (or, without a link, the kind and title) of a stored resource is skipped.\n\nColumns (any "
        "order, names case-insensitive; lists separated by ';', or ',' when a cell has no ';'):\n"
        + columns_help(RESOURCE_COLUMNS)
        + "\n\nRejected rows are reported as 'line N: reason; reason' (the header is line 1) and the "
        "others imported, in one transaction; the exit status is 1 when any row was rejected."
    )
    what = "Resources"

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(
            options["file"],
            options["dry_run"],
            lambda lines, report: import_resources(lines, dry_run=options["dry_run"], on_rejected=report),
        )
