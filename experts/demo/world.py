"""What every part of the experts demo draws from: the taxonomy, weighted and cycling draws, and
organizations by kind.

Draws run a few million times for ``--experts 100000``: weighted draws bisect precomputed
cumulative weights (what ``random.choices`` does, without rebuilding them each call).
"""

import random
import re
from bisect import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from experts.demo import words
from gcm.models import Country, DocumentType, GuidingPrinciple, Objective


@dataclass(frozen=True)
class Weighted:
    """Values drawn in proportion to their weights."""

    values: tuple[str, ...]
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, weights: Mapping[str, int]) -> "Weighted":
        return cls(tuple(weights), tuple(accumulate(weights.values())))

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class Cycle:
    """Every value once, in a shuffled order, then draws: a small demo still covers every value."""

    def __init__(self, rng: random.Random, values: Sequence[str], weights: Weighted | None = None) -> None:
        self.rng, self.values, self.weights = rng, tuple(values), weights
        self.first = rng.sample(self.values, k=len(self.values))

    def next(self) -> str:
        if self.first:
            return self.first.pop()
        return self.weights.draw(self.rng) if self.weights else self.rng.choice(self.values)


@dataclass(frozen=True)
class Place:
    iso2: str
    name: str  # as it reads in a sentence: "the Philippines", "Egypt"
    region: str  # slug


@dataclass(frozen=True)
class World:
    """The taxonomy the demo tags with, read once per run."""

    places: tuple[Place, ...]
    by_region: dict[str, tuple[Place, ...]]
    other_regions: dict[str, tuple[str, ...]]
    objectives: tuple[str, ...]  # in the taxonomy's order, "general" last
    principles: tuple[str, ...]
    document_types: tuple[str, ...]
    _place_weights: dict[str, tuple[int, ...]]  # cumulative, aligned with by_region

    @classmethod
    def load(cls) -> "World":
        places = tuple(
            Place(iso2, _sentence_name(iso2, name), region)
            for iso2, name, region in Country.objects.order_by("iso2").values_list("iso2", "name", "region__slug")
        )
        by_region: dict[str, tuple[Place, ...]] = {}
        for place in places:
            by_region[place.region] = (*by_region.get(place.region, ()), place)
        return cls(
            places=places,
            by_region=by_region,
            other_regions={region: tuple(other for other in by_region if other != region) for region in by_region},
            objectives=tuple(Objective.objects.order_by("position").values_list("key", flat=True)),
            principles=tuple(GuidingPrinciple.objects.order_by("position").values_list("slug", flat=True)),
            document_types=tuple(DocumentType.objects.order_by("position").values_list("slug", flat=True)),
            _place_weights={
                region: tuple(accumulate(
                    words.MIGRATION_HUB_WEIGHT if place.iso2 in words.MIGRATION_HUBS else 1 for place in found
                ))
                for region, found in by_region.items()
            },
        )  # fmt: skip

    def place_in(self, rng: random.Random, region: str) -> Place:
        """A country of the region, countries of large migrant or diaspora populations more often."""
        cumulative = self._place_weights[region]
        return self.by_region[region][bisect(cumulative, rng.random() * cumulative[-1])]

    def place(self, iso2: str) -> Place:
        return next(place for place in self.places if place.iso2 == iso2)


def _sentence_name(iso2: str, name: str) -> str:
    return words.SHORT_COUNTRY_NAMES.get(iso2) or name.split(" (")[0]


@dataclass(frozen=True)
class Organization:
    """``name`` with the article a sentence needs ("the Ministry of ...", "IOM Kenya"), and the job
    titles peculiar to it (a ministry's), if any."""

    name: str
    titles: tuple[str, ...] = ()

    @property
    def plain_name(self) -> str:
        """As the organization field holds it: without its article."""
        stripped = _ARTICLE.sub("", self.name)
        return stripped[:1].upper() + stripped[1:]


_ARTICLE = re.compile(r"^(the |le |la |les |l'|el |los |las )")
_MINISTRIES = tuple(words.MINISTRIES)
_UN_AGENCIES = Weighted.of({agency.short: weight for agency, weight in zip(words.UN_AGENCIES, words.UN_AGENCY_WEIGHTS,
                                                                         strict=True)})  # fmt: skip
_AGENCIES_BY_SHORT = {agency.short: agency for agency in words.UN_AGENCIES}


def organization(rng: random.Random, kind: str, place: Place, language: str) -> Organization:
    """An organization of ``kind`` (``words.TITLES``' keys) in ``place``, named in ``language`` (en, fr, es).

    ``municipality`` needs a place in ``words.CITIES``.
    """
    country = place.name.removeprefix("the ")
    cities = words.CITIES.get(place.iso2)
    city = rng.choice(cities) if cities else None
    if kind == "un":
        agency = _AGENCIES_BY_SHORT[_UN_AGENCIES.draw(rng)]
        if language == "en" and rng.random() < 0.45:
            return Organization(f"{agency.short} {country}")  # a country office
        return Organization({"fr": agency.name_fr, "es": agency.name_es}.get(language, agency.name))
    if kind == "ministry":
        if language != "en":
            return Organization(rng.choice(words.MINISTRIES_FR if language == "fr" else words.MINISTRIES_ES))
        ministry = rng.choice(_MINISTRIES)
        return Organization(f"{ministry}, {country}", words.MINISTRIES[ministry])
    if kind == "university":
        units = {"fr": words.UNIVERSITY_UNITS_FR, "es": words.UNIVERSITY_UNITS_ES}.get(language, words.UNIVERSITY_UNITS)
        if city is None:
            university = {"fr": "Université nationale", "es": "Universidad Nacional"}.get(
                language, f"National University of {country}"
            )
        else:
            university = {"fr": "Université de ", "es": "Universidad de "}.get(language, "University of ") + city
        return Organization(f"{rng.choice(units)}, {university}")
    if kind == "municipality":
        return Organization(words.MUNICIPALITY[language].format(city=city))
    if kind == "diaspora":
        patterns = {"fr": words.DIASPORA_ASSOCIATIONS_FR, "es": words.DIASPORA_ASSOCIATIONS_ES}.get(
            language, words.DIASPORA_ASSOCIATIONS
        )
        return Organization(rng.choice(patterns).format(country=country, city=rng.choice(words.DIASPORA_CITIES)))
    return Organization(rng.choice({"fr": words.NGOS_FR, "es": words.NGOS_ES}.get(language, words.NGOS)))


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
