from argparse import ArgumentParser
from typing import Any

from experts.imports import EXPERT_COLUMNS, import_experts
from experts.management.commands._importing import ImportCommand, columns_help


class Command(ImportCommand):
    help = (
        "Import experts from a CSV file, one per row; a row whose email is an existing expert's "
        "(case-insensitive) is skipped, or updated with --update.\n\nColumns (any order, names "
        "case-insensitive; lists separated by ';', or ',' when a cell has no ';'):\n"
        + columns_help(EXPERT_COLUMNS)
        + "\n\nRejected rows are reported as 'line N: reason; reason' (the header is line 1) and the "
        "others imported, in one transaction; the exit status is 1 when any row was rejected."
    )
    what = "Experts"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--update", action="store_true",
            help="Overwrite existing experts (matched by email) with the file's columns; an empty cell empties "
            "its field, columns the file lacks are left alone.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(
            options["file"],
            options["dry_run"],
            lambda lines, report: import_experts(
                lines, update=options["update"], dry_run=options["dry_run"], on_rejected=report
            ),
        )
