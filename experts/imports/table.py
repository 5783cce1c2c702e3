"""Reading a CSV file as it streams: its header, then its rows with the line each starts on."""

import csv
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import TypeVar

T = TypeVar("T")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (nothing is stored)."""


@dataclass(frozen=True)
class CsvRow:
    line: int  # the physical line the row starts on; the header is line 1
    cells: Mapping[str, str]  # by column name, for the file's known columns
    problem: str | None = None  # what makes the row unreadable as a whole


class CsvTable:
    """A CSV file's header and, streamed, its rows.

    The delimiter is the header's: ``,``, ``;`` (as spreadsheets save CSV in many locales) or a
    tab. Column names are matched case-insensitively, spaces and hyphens read as ``_``.
    """

    def __init__(self, lines: Iterable[str], known: Iterable[str], required: Iterable[str]) -> None:
        lines = iter(lines)
        first = self._decoded(lambda: next(lines, ""), line=1).removeprefix("\ufeff")
        if not first.strip():
            raise ImportFileError("the file is empty: the first line must name the columns")
        delimiter = max(",;\t", key=first.count)
        self._reader = csv.reader(chain([first], lines), delimiter=delimiter)
        header = [_column_name(name) for name in next(self._reader)]
        known = tuple(known)
        problems = []
        duplicates = sorted({name for name in header if name and header.count(name) > 1})
        if duplicates:
            problems.append(f"column(s) named twice: {', '.join(duplicates)}")
        missing = [name for name in required if name not in header]
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        self.ignored = [name for name in header if name and name not in known]
        for name in self.ignored:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            if close:
                problems.append(f"unknown column '{name}' (did you mean '{close[0]}'?)")
        if problems:
            raise ImportFileError("; ".join(problems))
        self.header = header
        self.columns = frozenset(name for name in header if name in known)

    def rows(self) -> Iterator[CsvRow]:
        """The rows with anything in them, read as the file streams."""
        while True:
            start = self._reader.line_num + 1
            record = self._decoded(lambda: next(self._reader, None), line=start)
            if record is None:
                return
            if not any(cell.strip() for cell in record):
                continue
            extra = record[len(self.header) :]
            if any(cell.strip() for cell in extra):
                yield CsvRow(start, {}, f"{len(record)} cells where the header names {len(self.header)}")
                continue
            yield CsvRow(start, {name: cell.strip() for name, cell in zip(self.header, record, strict=False)
                                 if name in self.columns})  # fmt: skip

    @staticmethod
    def _decoded(read: Callable[[], T], *, line: int) -> T:
        try:
            return read()
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"the file is not UTF-8 text (near line {line}): save it as 'CSV UTF-8' from the spreadsheet"
            ) from error
        except csv.Error as error:
            raise ImportFileError(f"line {line}: {error}") from error


def _column_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def fold(text: str) -> str:
    """How names are compared: no accents, case or extra spaces; curly apostrophes straight."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    return " ".join("".join(char for char in text if not unicodedata.combining(char)).casefold().split())
