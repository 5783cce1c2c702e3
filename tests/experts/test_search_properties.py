"""``experts.search`` agrees with a brute-force computation in Python over the same rows (hypothesis).

Over generated experts and resources (texts from a small vocabulary of words that every stemmer
used leaves as they are, so that matching a word means containing it; tags from small sets) and
generated searches (words, a last word typed as a prefix, 0-3 facet filters of 1-2 values, the
verified filter; for resources the caller's visibility and the status filter), the engine must
give the same matching rows, the same count, the same facet counts (each facet's counted over the
rows passing every other filter) and, without words, the same order page by page as a plain
Python computation. Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL; there the facet
counts cache lives across examples, so it must never serve counts of rows an example rolled back.
Each example's rows are made inside a savepoint that is rolled back at its end.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from experts.models import Expert, Resource
from experts.search import search_experts, search_resources
from experts.search.queries import ExpertQuery, ResourceQuery, SearchPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

db_examples = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

# Their stems in English, French and Spanish (PostgreSQL) and Porter's (SQLite) are themselves, no
# two share their first two letters, and none is a stop word. "quasar" is in no row.
VOCABULARY = ("zorb", "plank", "vortex", "glint", "brisk", "fjord", "crux", "knack", "blimp")
ABSENT = "quasar"

OBJECTIVES = ("1", "2", "3")
PRINCIPLES = ("people-centred", "international-cooperation")
REGIONS = ("africa", "asia", "europe")
COUNTRIES = ("KE", "FR")
LANGUAGES = ("en", "fr")
AVAILABLE_FOR = ("media", "training")
KINDS = ("document", "video")
SCOPES = ("global", "regional", "national")
DOCUMENT_TYPES = ("report", "policy-brief", None)
DATES = (None, date(2020, 1, 1), date(2021, 6, 1))

word = st.sampled_from(VOCABULARY)
capitalized = st.builds(lambda w, upper: w.capitalize() if upper else w, word, st.booleans())
text = st.lists(capitalized, max_size=4).map(" ".join)


def tags(values: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=2)


def chosen(values: tuple[Any, ...]) -> st.SearchStrategy[tuple[Any, ...]]:
    """A filter: no value (no filter) most often, else one or two."""
    return st.one_of(st.just(()), st.lists(st.sampled_from(values), unique=True, min_size=1, max_size=2).map(tuple))


# A query: whole words (one may be absent from every row), the last of them possibly cut to a prefix.
def typed(words: list[str], cut: int) -> str:
    if not words:
        return ""
    *whole, last = words
    return " ".join([*whole, last[: max(3, len(last) - cut)]])


query_text = st.builds(
    typed, st.lists(st.sampled_from((*VOCABULARY, ABSENT)), max_size=3), st.integers(min_value=0, max_value=4)
)

expert_rows = st.lists(
    st.fixed_dictionaries(
        {
            "name": word.map(str.capitalize),  # one word: the order of names is the same in any collation
            "title": text,
            "organization": text,
            "bio": text,
            "keywords": tags(VOCABULARY),
            "profile_language": st.sampled_from(("en", "fr", "es")),
            "objectives": tags(OBJECTIVES),
            "principles": tags(PRINCIPLES),
            "regions": tags(REGIONS),
            "countries": tags(COUNTRIES),
            "languages": tags(LANGUAGES),
            "available_for": tags(AVAILABLE_FOR),
            "verified": st.booleans(),
        }
    ),
    max_size=8,
)

expert_queries = st.builds(
    ExpertQuery,
    q=query_text,
    objectives=chosen(OBJECTIVES),
    principles=chosen(PRINCIPLES),
    regions=chosen(REGIONS),
    countries=chosen(COUNTRIES),
    languages=chosen(LANGUAGES),
    available_for=chosen(AVAILABLE_FOR),
    verified=st.sampled_from((None, True, False)),
)

resource_rows = st.lists(
    st.fixed_dictionaries(
        {
            "title": text,
            "summary": text,
            "organization": text,
            "summary_language": st.sampled_from(("en", "fr", "es")),
            "kind": st.sampled_from(KINDS),
            "scope": st.sampled_from(SCOPES),
            "document_type_id": st.sampled_from(DOCUMENT_TYPES),
            "publication_date": st.sampled_from(DATES),
            "objectives": tags(OBJECTIVES),
            "principles": tags(PRINCIPLES),
            "regions": tags(REGIONS),
            "countries": tags(COUNTRIES),
            "languages": tags(LANGUAGES),
            "status": st.sampled_from(("approved", "submitted")),
            "submitter": st.sampled_from((None, 0, 1)),
        }
    ),
    max_size=8,
)

resource_queries = st.builds(
    ResourceQuery,
    q=query_text,
    kinds=chosen(KINDS),
    objectives=chosen(OBJECTIVES),
    principles=chosen(PRINCIPLES),
    regions=chosen(REGIONS),
    countries=chosen(COUNTRIES),
    document_types=chosen(("report", "policy-brief")),
    languages=chosen(LANGUAGES),
    scopes=chosen(SCOPES),
    statuses=chosen(("approved", "submitted")),
)


# --- The brute force -------------------------------------------------------------------------


def words_of(*texts: str) -> set[str]:
    return {w.lower() for t in texts for w in t.split()}


def text_matches(tokens: set[str], q: str) -> bool:
    """Every word whole but the last, which is a prefix (the engines' rule)."""
    words = q.lower().split()
    if not words:
        return True
    *whole, last = words
    return all(w in tokens for w in whole) and any(token.startswith(last) for token in tokens)


@dataclass(frozen=True)
class Facet:
    name: str  # in SearchPage.facets
    attribute: str  # of the query
    values: Any  # row -> the values it carries


def expected_page(
    rows: list[Any], tokens: dict[int, set[str]], query: Any, facets: list[Facet], base: Any
) -> tuple[set[int], int, dict[str, dict[str, int]]]:
    """The ids matching, their count and every facet's counts, from the rows themselves."""
    candidates = [row for row in rows if base(row) and text_matches(tokens[row.pk], query.q)]

    def passes(row: Any, facet: Facet) -> bool:
        wanted = getattr(query, facet.attribute)
        return not wanted or bool(set(facet.values(row)) & set(wanted))

    matching = {row.pk for row in candidates if all(passes(row, facet) for facet in facets)}
    counts = {}
    for facet in facets:
        others = [f for f in facets if f is not facet]
        counted = Counter(
            value for row in candidates if all(passes(row, f) for f in others) for value in set(facet.values(row))
        )
        counts[facet.name] = dict(counted)
    return matching, len(matching), counts


def check(page: SearchPage[Any], expected: tuple[set[int], int, dict[str, dict[str, int]]]) -> None:
    ids, count, facets = expected
    assert {row.pk for row in page.results} == ids
    assert len(page.results) == len(ids)
    assert page.count == count
    assert {name: counts for name, counts in page.facets.items() if counts} == {
        name: counts for name, counts in facets.items() if counts
    }


EXPERT_FACETS = [
    Facet("objective", "objectives", lambda e: e.objectives),
    Facet("principle", "principles", lambda e: e.principles),
    Facet("region", "regions", lambda e: e.regions),
    Facet("country", "countries", lambda e: e.countries),
    Facet("language", "languages", lambda e: e.languages),
    Facet("available_for", "available_for", lambda e: e.available_for),
]

RESOURCE_FACETS = [
    Facet("kind", "kinds", lambda r: [r.kind]),
    Facet("objective", "objectives", lambda r: r.objectives),
    Facet("principle", "principles", lambda r: r.principles),
    Facet("region", "regions", lambda r: r.regions),
    Facet("country", "countries", lambda r: r.countries),
    Facet("document_type", "document_types", lambda r: [r.document_type_id] if r.document_type_id else []),
    Facet("language", "languages", lambda r: r.languages),
    Facet("scope", "scopes", lambda r: [r.scope]),
]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Rows made inside are rolled back at the end: every example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Experts ---------------------------------------------------------------------------------


@db_examples
@given(rows=expert_rows, query=expert_queries, offset=st.integers(0, 4), limit=st.integers(1, 3))
def test_expert_search_agrees_with_brute_force(rows, query, offset, limit):
    with rolled_back():
        experts = [
            Expert.objects.create(email=f"expert-{index}@experts.example", **row) for index, row in enumerate(rows)
        ]
        tokens = {e.pk: words_of(e.name, e.title, e.organization, e.bio, " ".join(e.keywords)) for e in experts}

        def base(e: Expert) -> bool:
            return query.verified is None or e.verified == query.verified

        expected = expected_page(experts, tokens, query, EXPERT_FACETS, base)
        check(search_experts(query, offset=0, limit=100), expected)

        page = search_experts(query, offset=offset, limit=limit)
        assert page.count == expected[1]
        if not query.q:
            ordered = sorted((e for e in experts if e.pk in expected[0]), key=lambda e: (e.name, e.pk))
            assert [e.pk for e in page.results] == [e.pk for e in ordered][offset : offset + limit]


# --- Resources -------------------------------------------------------------------------------

SCOPE_ORDER = {"global": 0, "regional": 1, "national": 2}


def default_order(resource: Resource) -> tuple[int, int, int]:
    published = resource.publication_date
    return (SCOPE_ORDER[resource.scope], -published.toordinal() if published else 1, resource.pk)


@db_examples
@given(rows=resource_rows, query=resource_queries, offset=st.integers(0, 4), limit=st.integers(1, 3))
def test_resource_search_agrees_with_brute_force_within_visibility(rows, query, offset, limit):
    with rolled_back():
        submitters: list[User] = UserFactory.create_batch(2)
        made = []
        for row in rows:
            fields = dict(row)
            submitter = fields.pop("submitter")
            fields["submitted_by"] = None if submitter is None else submitters[submitter]
            made.append(Resource.objects.create(**fields))
        caller = submitters[0]
        visible = Resource.objects.filter(Q(status="approved") | Q(submitted_by=caller))
        tokens = {r.pk: words_of(r.title, r.summary, r.organization) for r in made}

        def base(r: Resource) -> bool:
            seen = r.status == "approved" or r.submitted_by_id == caller.pk
            return seen and (not query.statuses or r.status in query.statuses)

        expected = expected_page(made, tokens, query, RESOURCE_FACETS, base)
        check(search_resources(query, visible=visible, offset=0, limit=100), expected)

        page = search_resources(query, visible=visible, offset=offset, limit=limit)
        assert page.count == expected[1]
        if not query.q:
            ordered = sorted((r for r in made if r.pk in expected[0]), key=default_order)
            assert [r.pk for r in page.results] == [r.pk for r in ordered][offset : offset + limit]
