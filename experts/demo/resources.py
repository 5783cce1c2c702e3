"""Demo resources: documents of every type, practices, projects, videos and training, global,
regional and national, published 2018-2026, most approved and the others at each stage of review.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from experts.demo import words
from experts.demo.world import Cycle, Weighted, World, listed, organization
from experts.models import ProfileLanguage, Resource, ReviewAssignment

FIRST_PUBLICATION = date(2018, 1, 1)
LAST_PUBLICATION = date(2026, 10, 31)
URL_BASE = "https://www.example.org"
KINDS = Weighted.of({"document": 45, "practice": 15, "project": 15, "video": 10, "training": 15})
SCOPES = Weighted.of({"global": 30, "regional": 35, "national": 35})
STATUSES = Weighted.of({"approved": 80, "submitted": 8, "in_review": 7, "rejected": 5})
PUBLISHERS = Weighted.of({"un": 45, "ministry": 15, "university": 15, "ngo": 20, "municipality": 5})


def seed_resources(rng: random.Random, count: int, users: list[User], roster: list[User], staff: User | None,
                   world: World, *, batch_size: int) -> Iterator[int]:  # fmt: skip
    """Makes ``count`` resources submitted by ``users``, yielding the number made per batch.

    Those in review are assigned to two of the ``roster`` (never their submitter) by ``staff``.
    Kinds, document types, objectives, scopes and statuses cycle first: even a small demo has each.
    Bulk-created (not streamed like profiles): the assignments need the resources' ids.
    """
    kinds = Cycle(rng, KINDS.values, KINDS)
    document_types = Cycle(rng, world.document_types)
    objectives = Cycle(rng, world.objectives)
    scopes = Cycle(rng, SCOPES.values, SCOPES)
    statuses = Cycle(rng, STATUSES.values, STATUSES)
    now = timezone.now()
    batch: list[Resource] = []
    for _ in range(count):
        kind = kinds.next()
        document_type = document_types.next() if kind == "document" else None
        resource = _resource(rng, kind, document_type, objectives.next(), scopes.next(), world)
        resource.submitted_by = rng.choice(users) if users else None
        resource.status = statuses.next()
        if resource.status in (Resource.Status.APPROVED, Resource.Status.REJECTED):
            resource.decided_at = now - timedelta(days=rng.randint(1, 400))
        batch.append(resource)
        if len(batch) >= batch_size:
            _create(rng, batch, roster, staff)
            yield len(batch)
            batch = []
    _create(rng, batch, roster, staff)
    yield len(batch)


def _create(rng: random.Random, batch: list[Resource], roster: list[User], staff: User | None) -> None:
    Resource.objects.bulk_create(batch)
    assignments = []
    for resource in batch:
        if resource.status == Resource.Status.IN_REVIEW:
            reviewers = [user for user in roster if user != resource.submitted_by]
            assignments += [ReviewAssignment(resource=resource, reviewer=reviewer, assigned_by=staff)
                            for reviewer in rng.sample(reviewers, k=min(2, len(reviewers)))]  # fmt: skip
    ReviewAssignment.objects.bulk_create(assignments)


def _resource(rng: random.Random, kind: str, document_type: str | None, primary: str, scope: str,
              world: World) -> Resource:  # fmt: skip
    """A resource on objective ``primary`` (and maybe others); its scope decides its regions and
    countries (none, regions only, or countries with their regions)."""
    objectives = list(dict.fromkeys([primary, *rng.sample(world.objectives, k=rng.choice((0, 1, 1, 2)))]))
    regions: list[str] = []
    countries: list[str] = []
    if scope == Resource.Scope.GLOBAL:
        place = rng.choice(words.GLOBAL_PLACES)
        publisher_place = world.place_in(rng, rng.choice(tuple(world.by_region)))
    elif scope == Resource.Scope.REGIONAL:
        regions = rng.sample(tuple(world.by_region), k=1 if rng.random() < 0.8 else 2)
        place = listed([words.REGION_PHRASES[region][0] for region in regions])
        publisher_place = world.place_in(rng, regions[0])
    else:
        home = world.place_in(rng, rng.choice(tuple(world.by_region)))
        neighbour = rng.choice(world.by_region[home.region]) if rng.random() < 0.25 else home
        countries = list(dict.fromkeys([home.iso2, neighbour.iso2]))
        regions = [home.region]
        place = listed([home.name] if neighbour is home else [home.name, neighbour.name])
        publisher_place = home
    language: str = ProfileLanguage.ENGLISH
    draw = rng.random()
    if countries and countries[0] in words.FRENCH_SPEAKING and draw < 0.35:
        language = ProfileLanguage.FRENCH
    elif countries and countries[0] in words.SPANISH_SPEAKING and draw < 0.4:
        language = ProfileLanguage.SPANISH
    year = rng.randint(FIRST_PUBLICATION.year, LAST_PUBLICATION.year)
    published = min(date(year, rng.randint(1, 12), rng.randint(1, 28)), LAST_PUBLICATION)
    publisher_kind = "un" if document_type == "resolution" else PUBLISHERS.draw(rng)  # intergovernmental bodies
    if publisher_kind == "municipality" and publisher_place.iso2 not in words.CITIES:
        publisher_kind = "ngo"
    publisher = organization(rng, publisher_kind, publisher_place, language)
    phrases = words.OBJECTIVE_PHRASES[objectives[0]]
    audience = rng.choice(words.AUDIENCES)
    if language == ProfileLanguage.FRENCH:
        topic = rng.choice(phrases.topics_fr)
        title = rng.choice(words.KIND_TITLES_FR[kind]).format(topic=topic, year=year)
        summary = words.SUMMARY_FR.format(topic=topic)
    elif language == ProfileLanguage.SPANISH:
        topic = rng.choice(phrases.topics_es)
        title = rng.choice(words.KIND_TITLES_ES[kind]).format(topic=topic, year=year)
        summary = words.SUMMARY_ES.format(topic=topic)
    else:
        topic = rng.choice(phrases.topics)
        templates = words.DOCUMENT_TITLES[document_type] if document_type else words.KIND_TITLES[kind]
        title = rng.choice(templates).format(topic=topic, Topic=topic[:1].upper() + topic[1:], place=place,
                                             year=year, end=year + 3, audience=audience)  # fmt: skip
        opening = words.SUMMARY_OPENINGS[kind].format(topic=topic, place=place, audience=audience,
                                                      organization=publisher.name)  # fmt: skip
        summary = f"{opening[:1].upper()}{opening[1:]} {' '.join(rng.sample(words.SUMMARY_FINDINGS, k=2))}"
    languages = [language]
    if language != ProfileLanguage.ENGLISH and rng.random() < 0.5:
        languages.append("en")
    if scope == Resource.Scope.GLOBAL and rng.random() < 0.2:
        languages += rng.sample(tuple(words.LANGUAGE_NAMES), k=rng.randint(1, 3))  # translated reports
    return Resource(
        kind=kind, title=title, summary=summary, summary_language=language, document_type_id=document_type,
        url=f"{URL_BASE}/{words.URL_PATHS[kind]}/{year}/{_slug(title)}", publication_date=published,
        objectives=objectives, principles=rng.sample(world.principles, k=rng.choice((0, 1, 1, 2))), regions=regions,
        countries=countries, languages=list(dict.fromkeys(languages)), scope=scope,
        organization=publisher.plain_name,
    )  # fmt: skip


def _slug(title: str, limit: int = 80) -> str:
    slug = slugify(title)
    return slug if len(slug) <= limit else slug[:limit].rsplit("-", 1)[0]
