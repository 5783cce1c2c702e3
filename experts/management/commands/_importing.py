"""What ``import_experts`` and ``import_resources`` share: the file, the report, the exit status."""

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter

from experts.imports import ImportFileError, ImportSummary, RejectedRow

Loader = Callable[[Iterable[str], Callable[[RejectedRow], object]], ImportSummary]
"""Imports the file's lines, reporting each rejected row to the callable it is given."""


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Keeps the column list's lines as written."""


def columns_help(columns: Mapping[str, str]) -> str:
    return "\n".join(f"  {name:<18} {description}".rstrip() for name, description in columns.items())


class ImportCommand(BaseCommand):
    """Reads FILE (UTF-8, with or without a BOM), reports each rejected row on stderr, then a
    summary; exits with status 1 when any row was rejected (the good rows are imported all the same)."""

    what = ""  # "experts", in the summary

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, subcommand, formatter_class=_HelpFormatter, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8; the first line names the columns).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, store nothing.")

    def run_import(self, path: str, dry_run: bool, load: Loader) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as lines:
                summary = load(lines, lambda rejected: self.stderr.write(str(rejected)))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}; nothing imported") from error
        if summary.ignored_columns:
            self.stdout.write(f"Columns ignored (not ours): {', '.join(summary.ignored_columns)}")
        prefix = "Dry run, nothing stored. Would have been: " if dry_run else ""
        self.stdout.write(f"{prefix}{self.what}: {summary}.")
        if summary.rejected:
            raise CommandError(f"{summary.rejected} row(s) rejected (see above)", returncode=1)
