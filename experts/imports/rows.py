"""Checking each row of a file: the expert or resource it describes, or why it cannot be imported."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from experts.imports.table import CsvRow, fold
from experts.imports.taxonomy import TagNames, Taxonomy
from experts.models import Expert, ProfileLanguage, Resource

EXPERT_COLUMNS = {
    "name": "required; at most 200 characters",
    "email": "required; where contacts are relayed, never shown; matches existing experts (case-insensitive)",
    "title": "job title",
    "organization": "",
    "bio": "biography",
    "profile_language": "the language the bio is written in: en, fr, es, ar, ru or zh, or its name (default en)",
    "objectives": 'list: "9", "Objective 9" or "general"',
    "principles": "list: guiding principles by slug or name",
    "regions": "list: by slug or name (the regions of the countries are added)",
    "countries": "list: ISO 3166 alpha-2 or alpha-3 code, or name",
    "languages": "list: languages spoken, by ISO 639-1 code or English name",
    "keywords": "list: free text",
    "available_for": "list: advisory, speaking, media, peer review, training",
    "accepts_contact": "yes or no (default yes)",
}
RESOURCE_COLUMNS = {
    "kind": "required: document, practice, project, video or training",
    "title": "required; at most 300 characters",
    "summary": "at most 10,000 characters",
    "summary_language": "the language the summary is written in, as profile_language (default en)",
    "url": "a link starting with http:// or https://",
    "document_type": "documents only: by slug or name (Report, Policy Brief, ...)",
    "publication_date": "YYYY-MM-DD, or YYYY (stored as 1 January)",
    "objectives": 'list: "9", "Objective 9" or "general"',
    "principles": "list: by slug or name",
    "regions": "list: by slug or name (the regions of the countries are added)",
    "countries": "list: ISO code or name",
    "languages": "list: by code or English name",
    "scope": "global, regional or national (default: national with countries, regional with regions, else global)",
    "organization": "",
    "status": "approved (the default: staff import reviewed material), submitted, in_review or rejected",
}
_AVAILABILITY = {key: str(label) for key, label in Expert.Availability.choices}
_KINDS = {key: str(label) for key, label in Resource.Kind.choices}
_SCOPES = {key: str(label) for key, label in Resource.Scope.choices}
_STATUSES = {key: str(label) for key, label in Resource.Status.choices}
_ANSWERS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.reasons)}"


class FirstLines:
    """The first line each value (an address, a link) was seen on, to refuse it again in the same file."""

    def __init__(self) -> None:
        self._lines: dict[str, int] = {}

    def earlier(self, value: str, line: int) -> int | None:
        first = self._lines.setdefault(value, line)
        return first if first != line else None


@dataclass
class _Reasons:
    """Collects a row's problems while it is read."""

    row: CsvRow
    reasons: list[str] = field(default_factory=list)

    def text(self, column: str, *, limit: int, required: bool = False) -> str:
        value = self.row.cells.get(column, "")
        if required and not value:
            self.reasons.append(f"{column} missing")
        if len(value) > limit:
            self.reasons.append(f"{column} longer than {limit} characters")
        return value

    def tags(self, column: str, names: TagNames) -> list[str]:
        keys, unknown = names.keys_in(self.row.cells.get(column, ""))
        self.reasons += [f"unknown {names.label} '{value}'" for value in unknown]
        return keys

    def choice(self, column: str, choices: Mapping[str, str], default: str) -> str:
        """One of ``choices`` (value → label), by value or label."""
        value = self.row.cells.get(column, "")
        if not value:
            return default
        key = _choice_key(value, choices)
        if key is None:
            self.reasons.append(f"unknown {column.replace('_', ' ')} '{value}'")
        return key or default

    def choices(self, column: str, choices: Mapping[str, str], label: str) -> list[str]:
        """A list of ``choices``, by value or label."""
        keys = []
        for value in _list(self.row.cells.get(column, "")):
            key = _choice_key(value, choices)
            if key is None:
                self.reasons.append(f"unknown {label} '{value}'")
            else:
                keys.append(key)
        return list(dict.fromkeys(keys))

    def answer(self, column: str, default: bool) -> bool:
        value = self.row.cells.get(column, "")
        if not value:
            return default
        if fold(value) not in _ANSWERS:
            self.reasons.append(f"{column} '{value}' is not yes or no")
        return _ANSWERS.get(fold(value), default)

    def iso_date(self, column: str) -> date | None:
        """YYYY-MM-DD, or YYYY for 1 January."""
        value = self.row.cells.get(column, "")
        if not value:
            return None
        try:
            return date(int(value), 1, 1) if re.fullmatch(r"\d{4}", value) else date.fromisoformat(value)
        except ValueError:
            self.reasons.append(f"{column.replace('_', ' ')} '{value}' is not YYYY-MM-DD or YYYY")
            return None

    def language(self, column: str, taxonomy: Taxonomy) -> str:
        value = self.row.cells.get(column, "")
        key = taxonomy.languages.key(value) if value else ProfileLanguage.ENGLISH
        if key not in ProfileLanguage.values:
            self.reasons.append(f"unknown {column.replace('_', ' ')} '{value}'")
            return ProfileLanguage.ENGLISH
        return key

    def rejected(self) -> RejectedRow | None:
        return RejectedRow(self.row.line, tuple(self.reasons)) if self.reasons else None


def _choice_key(value: str, choices: Mapping[str, str]) -> str | None:
    """``peer review``, ``Peer-review`` and ``peer_review`` are all ``peer_review``."""
    folded = re.sub(r"[\s\-]+", "_", fold(value))
    for key, label in choices.items():
        if folded in (key, re.sub(r"[\s\-]+", "_", fold(label))):
            return key
    return None


def _list(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(";" if ";" in cell else ",") if value.strip()]


def _unique(values: list[str]) -> list[str]:
    """Without repeats, ignoring case; in order."""
    return list({value.casefold(): value for value in reversed(values)}.values())[::-1]


@dataclass(frozen=True)
class ExpertRow:
    """An expert as a row gives it; ``columns`` are the ones the file has (an update sets only those)."""

    line: int
    columns: frozenset[str]
    name: str
    email: str
    title: str
    organization: str
    bio: str
    profile_language: str
    objectives: list[str]
    principles: list[str]
    regions: list[str]
    countries: list[str]
    languages: list[str]
    keywords: list[str]
    available_for: list[str]
    accepts_contact: bool

    def new_expert(self) -> Expert:
        return Expert(**{name: getattr(self, name) for name in EXPERT_COLUMNS})

    def update(self, expert: Expert, taxonomy: Taxonomy) -> None:
        """Sets the fields of the file's columns (an empty cell empties its field)."""
        for name in self.columns - {"email"}:
            setattr(expert, name, getattr(self, name))
        if "countries" in self.columns and "regions" not in self.columns:
            expert.regions = taxonomy.with_country_regions(expert.regions, self.countries)


def read_expert(
    row: CsvRow, taxonomy: Taxonomy, columns: frozenset[str], emails: FirstLines
) -> ExpertRow | RejectedRow:
    """The expert a row describes, or why it cannot be imported. ``emails`` refuses an address
    already on an earlier line of the file."""
    if row.problem:
        return RejectedRow(row.line, (row.problem,))
    check = _Reasons(row)
    name = check.text("name", limit=200, required=True)
    email = _email(check)
    if email and (earlier := emails.earlier(email.lower(), row.line)):
        check.reasons.append(f"email {email} also on line {earlier}")
    countries = check.tags("countries", taxonomy.countries)
    expert = ExpertRow(
        line=row.line, columns=columns, name=name, email=email, title=check.text("title", limit=200),
        organization=check.text("organization", limit=200), bio=row.cells.get("bio", ""),
        profile_language=check.language("profile_language", taxonomy),
        objectives=check.tags("objectives", taxonomy.objectives),
        principles=check.tags("principles", taxonomy.principles),
        regions=taxonomy.with_country_regions(check.tags("regions", taxonomy.regions), countries),
        countries=countries, languages=check.tags("languages", taxonomy.languages),
        keywords=_unique(_list(row.cells.get("keywords", ""))),
        available_for=check.choices("available_for", _AVAILABILITY, "availability"),
        accepts_contact=check.answer("accepts_contact", True),
    )  # fmt: skip
    return check.rejected() or expert


def _email(check: _Reasons) -> str:
    value = check.text("email", limit=254, required=True)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        check.reasons.append(f"invalid email '{value}'")
        return ""
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class ResourceRow:
    line: int
    resource: Resource  # unsaved
    match: str  # what makes it the same resource as one already stored: its link, else kind and title


def read_resource(row: CsvRow, taxonomy: Taxonomy, seen: FirstLines) -> ResourceRow | RejectedRow:
    """The resource a row describes, or why it cannot be imported. ``seen`` refuses a link (or,
    without one, a kind and title) already on an earlier line of the file."""
    if row.problem:
        return RejectedRow(row.line, (row.problem,))
    check = _Reasons(row)
    if not row.cells.get("kind"):
        check.reasons.append("kind missing")
    kind = check.choice("kind", _KINDS, "")
    title = check.text("title", limit=300, required=True)
    url = check.text("url", limit=1000)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            check.reasons.append(f"url '{url}' is not a link starting with http:// or https://")
    document_type = None
    if row.cells.get("document_type"):
        document_type = taxonomy.document_types.key(row.cells["document_type"])
        if document_type is None:
            check.reasons.append(f"unknown document type '{row.cells['document_type']}'")
        elif kind and kind != Resource.Kind.DOCUMENT:
            check.reasons.append("a document type is for documents only")  # as the API has it
    countries = check.tags("countries", taxonomy.countries)
    regions = taxonomy.with_country_regions(check.tags("regions", taxonomy.regions), countries)
    scope = check.choice("scope", _SCOPES, "national" if countries else "regional" if regions else "global")
    if scope == Resource.Scope.NATIONAL and not countries:
        check.reasons.append("national scope needs at least one country")
    if scope == Resource.Scope.REGIONAL and not regions:
        check.reasons.append("regional scope needs at least one region")
    status = check.choice("status", _STATUSES, Resource.Status.APPROVED)
    match = url or f"{kind}:{title.lower()}"
    if title and (earlier := seen.earlier(match, row.line)):
        check.reasons.append(f"{'link' if url else 'kind and title'} also on line {earlier}")
    resource = Resource(
        kind=kind, title=title, summary=check.text("summary", limit=10_000), url=url, document_type_id=document_type,
        publication_date=check.iso_date("publication_date"),
        summary_language=check.language("summary_language", taxonomy),
        objectives=check.tags("objectives", taxonomy.objectives),
        principles=check.tags("principles", taxonomy.principles), regions=regions, countries=countries,
        languages=check.tags("languages", taxonomy.languages), scope=scope,
        organization=check.text("organization", limit=200), status=status,
        decided_at=timezone.now() if status in (Resource.Status.APPROVED, Resource.Status.REJECTED) else None,
    )  # fmt: skip
    return check.rejected() or ResourceRow(row.line, resource, match)
