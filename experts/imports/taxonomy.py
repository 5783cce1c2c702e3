"""The names a spreadsheet may give the taxonomy's keys: slugs and codes, names, usual aliases."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain

from experts.imports.table import fold
from experts.models import ProfileLanguage
from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, Region
from gcm.vocabulary import Vocabulary, normalized_tag, vocabulary_values

COUNTRY_ALIASES = {
    "united states": "US", "usa": "US", "united kingdom": "GB", "uk": "GB", "great britain": "GB",
    "russia": "RU", "vietnam": "VN", "turkey": "TR", "turkiye": "TR", "syria": "SY", "laos": "LA", "lao pdr": "LA",
    "moldova": "MD", "south korea": "KR", "republic of korea": "KR", "north korea": "KP", "ivory coast": "CI",
    "cote d'ivoire": "CI", "cape verde": "CV", "czech republic": "CZ", "slovakia": "SK", "swaziland": "SZ",
    "drc": "CD", "dr congo": "CD", "republic of the congo": "CG", "brunei": "BN", "macedonia": "MK",
    "burma": "MM", "east timor": "TL", "palestine": "PS", "holy see": "VA", "micronesia": "FM",
}  # fmt: skip


@dataclass(frozen=True)
class TagNames:
    """Every way a file may name the keys of one vocabulary: folded name → key."""

    vocabulary: Vocabulary
    label: str  # "objective", for messages
    keys: Mapping[str, str]

    @classmethod
    def build(cls, vocabulary: Vocabulary, label: str, names: Iterable[tuple[str, str]]) -> "TagNames":
        """``names``: (name, key) pairs besides the keys themselves; a name two keys share is dropped."""
        known = vocabulary_values(vocabulary)
        found: dict[str, str] = {}
        shared = set()
        for name, key in chain(((key, key) for key in known), names):
            if key not in known:
                continue
            folded = fold(name)
            if found.get(folded, key) != key:
                shared.add(folded)
            found[folded] = key
        return cls(vocabulary, label, {name: key for name, key in found.items() if name not in shared})

    def key(self, text: str) -> str | None:
        folded = fold(text)
        key = self.keys.get(folded) or self.keys.get(folded.removeprefix("the "))
        if key is None and normalized_tag(self.vocabulary, text) in vocabulary_values(self.vocabulary):
            key = normalized_tag(self.vocabulary, text)
        return key

    def keys_in(self, cell: str) -> tuple[list[str], list[str]]:
        """The keys a list cell names, in order without repeats, and the values that name none.

        Split on ``;``; a cell without one is split on ``,``, the pieces joined back while
        together they name a key ("Gambia, The" stays whole).
        """
        pieces = [piece.strip() for piece in cell.split(";" if ";" in cell else ",")]
        keys: list[str] = []
        unknown: list[str] = []
        start = 0
        while start < len(pieces):
            for end in range(len(pieces) if ";" not in cell else start + 1, start, -1):
                key = self.key(", ".join(pieces[start:end]))
                if key is not None:
                    keys.append(key)
                    start = end
                    break
            else:
                if pieces[start]:
                    unknown.append(pieces[start])
                start += 1
        return list(dict.fromkeys(keys)), unknown


@dataclass(frozen=True)
class Taxonomy:
    """The names of every vocabulary, read once per import."""

    objectives: TagNames
    principles: TagNames
    regions: TagNames
    countries: TagNames
    languages: TagNames
    document_types: TagNames
    country_regions: Mapping[str, str]

    @classmethod
    def load(cls) -> "Taxonomy":
        objectives = [(name, objective.key) for objective in Objective.objects.all()
                      for name in (f"objective {objective.key}", f"objective{objective.key}", f"o{objective.key}",
                                   objective.short_title)]  # fmt: skip
        countries = list(Country.objects.values_list("iso2", "iso3", "name", "region__slug"))
        country_names = [(alias, iso2) for iso2, iso3, name, _ in countries for alias in (iso3, *_country_names(name))]
        languages = [(name, code) for code, name in Language.objects.values_list("code", "name")]
        return cls(
            objectives=TagNames.build(Vocabulary.OBJECTIVE, "objective", objectives),
            principles=TagNames.build(Vocabulary.PRINCIPLE, "principle", _named(GuidingPrinciple)),
            regions=TagNames.build(Vocabulary.REGION, "region", _named(Region)),
            countries=TagNames.build(Vocabulary.COUNTRY, "country", [*country_names, *COUNTRY_ALIASES.items()]),
            languages=TagNames.build(Vocabulary.LANGUAGE, "language", [*languages, *_native_language_names()]),
            document_types=TagNames.build(Vocabulary.DOCUMENT_TYPE, "document type", _named(DocumentType)),
            country_regions={iso2: region for iso2, _, _, region in countries},
        )

    def with_country_regions(self, regions: list[str], countries: list[str]) -> list[str]:
        return list(dict.fromkeys([*regions, *(self.country_regions[country] for country in countries)]))


def _named(model: type[GuidingPrinciple] | type[Region] | type[DocumentType]) -> list[tuple[str, str]]:
    return [(name, slug) for slug, name in model._default_manager.values_list("slug", "name")]


def _country_names(name: str) -> list[str]:
    """ "Bolivia (Plurinational State of)" → itself, "Bolivia"; "Gambia, The" → itself, "Gambia"."""
    names = [name, name.rstrip("*")]
    if " (" in name:
        names += [name.split(" (")[0], name.split(" (")[1].rstrip(")")]
    if ", " in name:
        names.append(name.split(", ")[0])
    return names


def _native_language_names() -> list[tuple[str, str]]:
    return [(label, code) for code, label in ProfileLanguage.choices]
