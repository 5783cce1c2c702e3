"""Demo expert profiles: people from every region, named in their country's traditions, with
biographies assembled from phrase pools per objective, some in French and Spanish and a few in
Arabic, Russian and Chinese.
"""

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from accounts.models import User
from experts.bulk import RowWriter
from experts.demo import words
from experts.demo.world import Cycle, Place, Weighted, World, listed, organization
from experts.models import Expert, ProfileLanguage

DEMO_EMAIL_DOMAIN = "example.org"
LINKED_PROFILES = 12  # at most, and at most one user in five
REGIONS = Weighted.of({"africa": 26, "americas": 20, "asia": 26, "europe": 20, "oceania": 8})
ORGANIZATION_KINDS = Weighted.of({"un": 26, "ministry": 20, "university": 20, "ngo": 20, "municipality": 6,
                                  "diaspora": 8})  # fmt: skip
AVAILABILITY = Weighted.of({"advisory": 40, "speaking": 25, "training": 15, "media": 10, "peer_review": 10})
FOREIGN_TOPICS = {"ar": words.TOPICS_AR, "ru": words.TOPICS_RU, "zh": words.TOPICS_ZH}
_FOREIGN_TOPIC_KEYS = {language: tuple(topics) for language, topics in FOREIGN_TOPICS.items()}
_PREVIOUS_EMPLOYERS = (*(agency.name for agency in words.UN_AGENCIES), *words.NGOS)
_ELSEWHERE = tuple(phrases[1] for phrases in words.REGION_PHRASES.values())
_ALL_CITIES = tuple(city for cities in words.CITIES.values() for city in cities)
_LANGUAGE_CODES = tuple(words.LANGUAGE_NAMES)


@dataclass(frozen=True)
class Focus:
    """The objective and guiding principle a profile is first about."""

    objective: str
    principle: str


@dataclass(frozen=True)
class Person:
    name: str
    woman: bool
    place: Place


def seed_profiles(rng: random.Random, count: int, users: list[User], world: World, *, batch_size: int) -> Iterator[int]:
    """Stores ``count`` profiles (``make_profiles``), yielding the number stored every ``batch_size``
    and at the end."""
    with RowWriter(Expert, batch_size=batch_size) as rows:
        for expert in make_profiles(rng, count, users, world):
            rows.add(expert)
            if rows.count % batch_size == 0:
                yield batch_size
    yield count % batch_size


def make_profiles(rng: random.Random, count: int, users: list[User], world: World) -> Iterator[Expert]:
    """``count`` unsaved profiles.

    The first few belong to demo users (their name and address); the others have none, with a
    unique address at example.org. The first profiles without an account are written in each
    profile language in turn, and the objectives and regions cycle first, so that even a small
    demo has every objective, region and language.
    """
    linked = rng.sample(users, k=min(len(users) // 5, LINKED_PROFILES, count))
    objectives = Cycle(rng, world.objectives)
    principles = Cycle(rng, world.principles)
    regions = Cycle(rng, REGIONS.values, REGIONS)
    languages = [code for code, _ in ProfileLanguage.choices]
    language_places = {
        code: tuple(place for place in world.places if place.iso2 in countries)
        for code, countries in words.PROFILE_LANGUAGE_COUNTRIES.items()
    }
    emails: dict[str, int] = {}
    for index in range(count):
        user = linked[index] if index < len(linked) else None
        forced = languages.pop() if user is None and languages else None
        if forced in language_places:
            place = rng.choice(language_places[forced])
        else:
            place = world.place_in(rng, regions.next())
        language = forced or _profile_language(rng, place.iso2)
        if user is None:
            person = _person(rng, place, language)
        else:
            name = user.display_name or user.username
            person = Person(name, name.split()[0] in words.WOMEN_GIVEN_NAMES, place)
        expert = _expert(rng, person, Focus(objectives.next(), principles.next()), world, language)
        expert.user = user
        expert.email = user.email if user is not None else _email(person.name, emails)
        yield expert


def _person(rng: random.Random, place: Place, language: str) -> Person:
    traditions = ("chinese",) if language == ProfileLanguage.CHINESE else words.name_pools_for(place.iso2, place.region)
    pool = words.NAME_POOLS[rng.choice(traditions)]
    woman = rng.random() < 0.52
    given = rng.choice(pool.women if woman else pool.men)
    family_index = rng.randrange(len(pool.family))
    family = pool.family_women[family_index] if woman and pool.family_women else pool.family[family_index]
    return Person(f"{family} {given}" if pool.family_first else f"{given} {family}", woman, place)


def _email(name: str, taken: dict[str, int]) -> str:
    """``given.family@example.org``, numbered from the second person of that name on."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    local = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".") or "expert"
    taken[local] = taken.get(local, 0) + 1
    suffix = "" if taken[local] == 1 else str(taken[local])
    return f"{local}{suffix}@{DEMO_EMAIL_DOMAIN}"


def _profile_language(rng: random.Random, country: str) -> str:
    draw = rng.random()
    if country in words.FRENCH_SPEAKING and draw < 0.45:
        return ProfileLanguage.FRENCH
    if country in words.SPANISH_SPEAKING and draw < 0.5:
        return ProfileLanguage.SPANISH
    if country in words.ARABIC_SPEAKING and draw > 0.88:
        return ProfileLanguage.ARABIC
    if country in words.RUSSIAN_SPEAKING and draw < 0.2:
        return ProfileLanguage.RUSSIAN
    if country in words.CHINESE_SPEAKING and draw < 0.3:
        return ProfileLanguage.CHINESE
    return ProfileLanguage.ENGLISH


def _spoken_languages(rng: random.Random, profile_language: str, country: str) -> list[str]:
    spoken = [profile_language]
    if profile_language == ProfileLanguage.ENGLISH or rng.random() < 0.8:
        spoken.append("en")
    for language, countries in words.PROFILE_LANGUAGE_COUNTRIES.items():
        if country in countries and rng.random() < 0.8:
            spoken.append(language)
    if rng.random() < 0.15:
        spoken.append(rng.choice(_LANGUAGE_CODES))
    return list(dict.fromkeys(spoken))


def _expert(rng: random.Random, person: Person, focus: Focus, world: World, language: str) -> Expert:
    """A profile of ``person`` on ``focus`` (and more), written in ``language``.
    Without ``user`` and ``email``: the caller sets them."""
    place = person.place
    # Biographies in Arabic, Russian and Chinese speak of the topics their pools have words for.
    first = rng.choice(_FOREIGN_TOPIC_KEYS[language]) if language in FOREIGN_TOPICS else focus.objective
    others = rng.sample(world.objectives, k=rng.choice((0, 1, 1, 2, 2, 3)))
    objectives = list(dict.fromkeys([first, focus.objective, *others]))
    regions = [place.region]
    if rng.random() < 0.2:
        regions.append(rng.choice(world.other_regions[place.region]))
    neighbours = world.by_region[rng.choice(regions)]
    countries = list(
        dict.fromkeys([place.iso2, *(rng.choice(neighbours).iso2 for _ in range(rng.choice((0, 0, 1, 2))))])
    )
    kind = ORGANIZATION_KINDS.draw(rng)
    if kind == "municipality" and place.iso2 not in words.CITIES:
        kind = "ngo"
    employer = organization(rng, kind, place, language if language in ("fr", "es") else "en")
    title = _title(rng, kind, language, person.woman, employer.titles)
    available = list(dict.fromkeys(AVAILABILITY.draw(rng) for _ in range(rng.randint(1, 3))))
    spoken = _spoken_languages(rng, language, place.iso2)
    principles = list(dict.fromkeys([focus.principle, *rng.sample(world.principles, k=rng.randint(0, 2))]))
    keywords = list(dict.fromkeys(rng.choice(words.OBJECTIVE_PHRASES[key].keywords) for key in [first, *objectives]))
    if language in FOREIGN_TOPICS:
        bio = _bio_foreign(rng, person, language, title, employer.plain_name, first)
    elif language == ProfileLanguage.FRENCH:
        bio = _bio_fr(rng, person, title, employer.name, objectives)
    elif language == ProfileLanguage.SPANISH:
        bio = _bio_es(rng, person, title, employer.name, objectives)
    else:
        bio = _bio_en(rng, person, title, kind, employer.name, objectives, principles, spoken)
    return Expert(
        name=person.name, title=title, organization=employer.plain_name, bio=bio, profile_language=language,
        objectives=objectives, principles=principles, regions=regions, countries=countries, languages=spoken,
        keywords=keywords, available_for=available, accepts_contact=rng.random() < 0.88,
        verified=rng.random() < 0.35,
    )  # fmt: skip


def _title(rng: random.Random, kind: str, language: str, woman: bool, own_titles: tuple[str, ...]) -> str:
    gendered = {"fr": words.TITLES_FR.get(kind), "es": words.TITLES_ES.get(kind), "ar": words.TITLES_AR,
                "ru": words.TITLES_RU, "zh": words.TITLES_ZH}.get(language)  # fmt: skip
    if gendered:
        return rng.choice(gendered)[1 if woman else 0]
    return rng.choice(own_titles + words.TITLES[kind])


def _bio_en(rng: random.Random, person: Person, title: str, kind: str, employer: str, objectives: list[str],
            principles: list[str], spoken: list[str]) -> str:  # fmt: skip
    she, own = ("She", "her") if person.woman else ("He", "his")
    region, region_in = words.REGION_PHRASES[person.place.region]
    fill = {"P": she, "country": person.place.name, "region": region, "region_in": region_in}
    first = words.OBJECTIVE_PHRASES[objectives[0]]
    second = words.OBJECTIVE_PHRASES[objectives[1]] if len(objectives) > 1 else None
    preposition = "of" if kind == "diaspora" else "at"
    sentences = [f"{person.name} is {title} {preposition} {employer}."]
    topics = rng.choice(first.topics) + (f" and {rng.choice(second.topics)}" if second else "")
    opening = rng.choice(("works on", "specialises in", "leads work on", "advises governments on",
                          f"has focused for more than {rng.randint(5, 25)} years on"))  # fmt: skip
    sentences.append(f"{she} {opening} {topics}.")
    sentences.append(rng.choice(first.achievements).format(**fill))
    if second and rng.random() < 0.4:
        sentences.append(rng.choice(second.achievements).format(**fill))
    background = rng.randrange(3)
    if background == 0:
        previous = rng.choice(_PREVIOUS_EMPLOYERS)
        if previous != employer:
            sentences.append(f"Before that, {she.lower()} worked for {previous} {rng.choice(_ELSEWHERE)}.")
    elif background == 1:
        city = rng.choice(words.CITIES.get(person.place.iso2) or _ALL_CITIES)
        sentences.append(f"{she} holds {rng.choice(words.DEGREES)} from the University of {city}.")
    else:
        sentences.append(f"{she} has more than {rng.randint(6, 30)} years of experience in the field.")
    sentences.append(words.PRINCIPLE_SENTENCES[principles[0]].format(P=she, P_own=own.capitalize(), p_own=own))
    if len(spoken) > 1:
        sentences.append(f"{she} speaks {listed([words.LANGUAGE_NAMES[code] for code in spoken])}.")
    return " ".join(sentences)


def _bio_fr(rng: random.Random, person: Person, title: str, employer: str, objectives: list[str]) -> str:
    pronoun = "Elle" if person.woman else "Il"
    topics = [rng.choice(words.OBJECTIVE_PHRASES[key].topics_fr) for key in objectives[:2]]
    region = words.REGION_PHRASES_FR[person.place.region]
    return " ".join((
        f"{person.name} est {title[:1].lower()}{title[1:]} et travaille pour {employer}.",
        f"Ses travaux portent sur {' et '.join(topics)}.",
        rng.choice((f"Depuis {rng.randint(5, 25)} ans, {pronoun.lower()} accompagne les autorités nationales et "
                    f"locales {region}.", f"{pronoun} a coordonné plusieurs études et projets {region}.")),
        f"Titulaire {rng.choice(words.DEGREES_FR)}, {pronoun.lower()} intervient régulièrement dans des formations "
        "et des conférences.",
    ))  # fmt: skip


def _bio_es(rng: random.Random, person: Person, title: str, employer: str, objectives: list[str]) -> str:
    topics = [rng.choice(words.OBJECTIVE_PHRASES[key].topics_es) for key in objectives[:2]]
    region = words.REGION_PHRASES_ES[person.place.region]
    return " ".join((
        f"{person.name} es {title[:1].lower()}{title[1:]} en {employer}.",
        f"Su trabajo se centra en {' y '.join(topics)}.",
        rng.choice((f"Desde hace {rng.randint(5, 25)} años asesora a autoridades nacionales y locales {region}.",
                    f"Ha coordinado estudios y proyectos de cooperación {region}.")),
        f"Tiene {rng.choice(words.DEGREES_ES)} y participa con frecuencia en formaciones y conferencias.",
    ))  # fmt: skip


def _bio_foreign(rng: random.Random, person: Person, language: str, title: str, employer: str, topic: str) -> str:
    years = rng.randint(6, 25)
    if language == ProfileLanguage.ARABIC:
        verbs = ("تتمتع", "وتقدّم") if person.woman else ("يتمتع", "ويقدّم")
        return (f"{person.name}، {title} في {employer}. {verbs[0]} بخبرة تزيد على {years} عامًا في مجال "
                f"{words.TOPICS_AR[topic]}، {verbs[1]} المشورة للحكومات ومنظمات المجتمع المدني.")  # fmt: skip
    if language == ProfileLanguage.RUSSIAN:
        return (f"{person.name} — {title}, {employer}. Более {years} лет занимается вопросами "
                f"{words.TOPICS_RU[topic]}, консультирует государственные органы и неправительственные "
                "организации.")  # fmt: skip
    return words.BIO_ZH.format(name=person.name, organization=employer, title=title, topic=words.TOPICS_ZH[topic],
                               years=years)  # fmt: skip
