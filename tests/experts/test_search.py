"""``experts.search``: what a search finds, in which order, and how it counts facets.

Runs on SQLite (FTS5) and PostgreSQL (tsvector). What only PostgreSQL does (stemming in other
languages than English, stop words, the facet counts cache) is in ``test_search_postgres.py``;
the brute-force comparison over generated rows in ``test_search_properties.py``.
"""

import itertools
from datetime import date
from typing import Any

import pytest

from experts.models import Expert, Resource
from experts.search import search_experts, search_resources
from experts.search.queries import ExpertQuery, ResourceQuery
from tests.experts.factories import ExpertFactory, ResourceFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_emails = itertools.count()


def found(q: str = "", **filters: tuple[str, ...]) -> list[str]:
    page = search_experts(ExpertQuery(q=q, **filters), offset=0, limit=50)  # type: ignore[arg-type]
    return [expert.name for expert in page.results]


def expert(name: str, **fields: object) -> Expert:
    """An expert with only the words given (the factory's title, organization and bio would match)."""
    fields.setdefault("email", f"expert-{next(_emails)}@experts.example")
    fields.setdefault("bio", "")
    fields.setdefault("organization", "")
    fields.setdefault("title", "")
    return ExpertFactory.create(name=name, **fields)


# --- Full text -------------------------------------------------------------------------------


def test_a_word_finds_its_other_forms_through_its_stem():
    expert("Ana Silva", bio="She studies seasonal labour schemes.")
    expert("Ben Okafor", bio="He writes about ports.")

    assert found("study") == ["Ana Silva"]
    assert found("studying labour") == ["Ana Silva"]


def test_every_word_is_required():
    expert("Ana Silva", bio="Remittances and diaspora bonds.")
    expert("Ben Okafor", bio="Remittances to rural areas.")

    assert found("remittances diaspora") == ["Ana Silva"]


def test_name_title_organization_bio_and_keywords_are_all_searched():
    expert("Zed Quorum")
    expert("Ana Silva", title="Quorum adviser")
    expert("Ben Okafor", organization="Quorum Institute")
    expert("Cy Diallo", bio="Chairs the quorum.")
    expert("Di Mensah", keywords=["quorum"])
    expert("Ed Haddad", bio="Nothing to do with it.")

    assert sorted(found("quorum")) == ["Ana Silva", "Ben Okafor", "Cy Diallo", "Di Mensah", "Zed Quorum"]


def test_names_match_without_their_accents_and_accents_typed_match_names_without():
    expert("José García")
    expert("Jose Garcia")
    expert("Joseph Okafor", bio="Not José.")

    assert sorted(found("Jose Garcia")) == ["Jose Garcia", "José García"]
    assert sorted(found("josé garcía")) == ["Jose Garcia", "José García"]


def test_the_last_word_is_a_prefix_as_typed_and_the_others_are_whole():
    expert("Ana Silva", bio="Labour migration in the Gulf.")
    expert("Ben Okafor", bio="Migrants at sea.")
    expert("Cy Diallo", bio="Labour markets.")

    assert sorted(found("migr")) == ["Ana Silva", "Ben Okafor"]
    assert found("labour migr") == ["Ana Silva"]
    assert found("lab migration") == []  # "lab" is a whole word here, not a prefix


@pytest.mark.parametrize("typed", ["vanderberg", "VanDerBerg", "van der", "van der berg", "derberg", "vander"])
def test_a_name_is_found_typed_with_or_without_its_spaces(typed):
    expert("Anke van der Berg")
    expert("Anke Berg")

    assert found(typed) == ["Anke van der Berg"]


def test_a_hyphenated_name_is_found_run_together():
    expert("Jean-Pierre Mbarga")

    assert found("jeanpierre") == ["Jean-Pierre Mbarga"]
    assert found("jean pierre") == ["Jean-Pierre Mbarga"]


def test_punctuation_and_query_syntax_are_plain_text():
    expert("Ana Silva", bio="Works on return and reintegration.")

    for typed in ['"return', "return*", "return:*", "return & !", "(return)", "return'", "{return}", "return|"]:
        assert found(typed) == ["Ana Silva"], typed
    assert found("!!! ''") == ["Ana Silva"]  # no words: no text search


# --- Relevance -------------------------------------------------------------------------------


def test_a_name_prefix_ranks_above_the_same_word_in_a_biography():
    # Created first, so that an id order would put the biography matches first.
    expert("Ana Silva", bio="Migrants, migrants and more migrants: she studies migrants.")
    expert("Ben Okafor", bio="On migrants.")
    expert("Migrant Voices Collective", bio="A network.")
    expert("Cy Diallo", organization="Migrants Rights Network", bio="Lawyer.")

    names = found("migr")

    assert set(names[:2]) == {"Migrant Voices Collective", "Cy Diallo"}
    assert set(names[2:]) == {"Ana Silva", "Ben Okafor"}


def test_an_organization_prefix_ranks_above_the_word_in_title_keywords_and_biography_together():
    expert(
        "Ana Silva",
        title="Migrants adviser",
        keywords=["migrants"],
        bio="Migrants, migrants and migrants again.",
    )
    expert("Cy Diallo", organization="Migrants Rights Network")

    assert found("migr") == ["Cy Diallo", "Ana Silva"]


def test_a_word_in_the_name_ranks_above_the_same_word_in_a_biography():
    expert("Ana Silva", bio="Studies the Okafor report on okafor data.")
    expert("Ben Okafor", bio="Demographer.")

    assert found("okafor") == ["Ben Okafor", "Ana Silva"]


def test_equal_relevance_is_ordered_by_id():
    created = [expert(name, bio="Remittances.") for name in ["Cy", "Ana", "Ben"]]

    assert found("remittances") == [e.name for e in created]


def test_without_a_query_experts_are_in_name_order_then_id():
    ben_2 = expert("Ben")
    expert("Cy")
    expert("Ana")
    ben_1 = expert("Ben")

    page = search_experts(ExpertQuery(), offset=0, limit=10)

    assert [e.name for e in page.results] == ["Ana", "Ben", "Ben", "Cy"]
    assert [e.pk for e in page.results[1:3]] == sorted([ben_1.pk, ben_2.pk])


def test_pages_split_the_ordered_results_without_repeating_or_skipping():
    for index in range(7):
        expert(f"Expert {index}", bio="Remittances." if index % 2 else "Remittances, remittances.")

    whole = search_experts(ExpertQuery(q="remittances"), offset=0, limit=50).results
    pages = [search_experts(ExpertQuery(q="remittances"), offset=start, limit=3) for start in (0, 3, 6)]

    assert [e.pk for page in pages for e in page.results] == [e.pk for e in whole]
    assert all(page.count == 7 for page in pages)
    assert search_experts(ExpertQuery(q="remittances"), offset=9, limit=3).results == []


def test_beyond_the_ranked_window_every_match_still_comes_once(monkeypatch):
    """Past the candidates that are ranked (``RANK_WINDOW``), pages go on in id order."""
    import experts.search
    import experts.search.directory

    monkeypatch.setattr(experts.search, "RANK_WINDOW", 3)  # SQLite's ranking
    monkeypatch.setattr(experts.search.directory, "RANK_WINDOW", 3)  # PostgreSQL's
    made = [expert(f"Expert {index}", bio="Remittances." + " Remittances." * (index % 3)) for index in range(8)]
    made.append(expert("Remittances Watch"))

    seen = []
    for start in range(0, 12, 2):
        page = search_experts(ExpertQuery(q="remittances"), offset=start, limit=2)
        assert page.count == 9
        seen += [e.pk for e in page.results]

    assert sorted(seen) == sorted(e.pk for e in made)
    assert len(seen) == len(set(seen))
    assert seen[0] == made[-1].pk  # the name hit is a candidate though its id comes last
    # The first three by id are the document's candidates, ranked; the rest follow by id.
    assert seen[4:] == [e.pk for e in made[3:8]]


# --- Facets ----------------------------------------------------------------------------------


def test_facet_counts_ignore_their_own_filter_and_apply_every_other():
    expert("A", regions=["africa"], objectives=["6"], languages=["en"])
    expert("B", regions=["asia"], objectives=["6", "9"], languages=["fr"])
    expert("C", regions=["europe"], objectives=["9"], languages=["en"])
    expert("D", regions=["africa", "europe"], objectives=["2"], languages=["es"])

    page = search_experts(ExpertQuery(regions=("africa", "asia")), offset=0, limit=10)

    assert sorted(e.name for e in page.results) == ["A", "B", "D"]
    assert page.count == 3
    # Ticking two regions still shows the third's count (over every expert).
    assert page.facets["region"] == {"africa": 2, "asia": 1, "europe": 2}
    # The other facets count the filtered set.
    assert page.facets["objective"] == {"6": 2, "9": 1, "2": 1}
    assert page.facets["language"] == {"en": 1, "fr": 1, "es": 1}


def test_filters_of_two_facets_both_apply_and_each_facet_counts_under_the_other():
    expert("A", regions=["africa"], objectives=["6"])
    expert("B", regions=["asia"], objectives=["6"])
    expert("C", regions=["africa"], objectives=["9"])
    expert("D", regions=["europe"], objectives=["9"])

    page = search_experts(ExpertQuery(regions=("africa",), objectives=("6",)), offset=0, limit=10)

    assert [e.name for e in page.results] == ["A"]
    assert page.count == 1
    assert page.facets["region"] == {"africa": 1, "asia": 1}  # experts with objective 6
    assert page.facets["objective"] == {"6": 1, "9": 1}  # experts in africa
    assert page.facets["country"] == {"KE": 1}  # both filters


def test_facet_counts_apply_the_text_query():
    expert("A", bio="Remittances.", regions=["africa"])
    expert("B", bio="Remittances.", regions=["asia"])
    expert("C", bio="Detention.", regions=["asia"])

    page = search_experts(ExpertQuery(q="remittances", regions=("asia",)), offset=0, limit=10)

    assert [e.name for e in page.results] == ["B"]
    assert page.facets["region"] == {"africa": 1, "asia": 1}


def test_facet_counts_cover_the_whole_set_not_the_page():
    for index in range(5):
        expert(f"E{index}", regions=["africa"])

    page = search_experts(ExpertQuery(), offset=0, limit=2)

    assert len(page.results) == 2
    assert page.count == 5
    assert page.facets["region"] == {"africa": 5}


EXPERT_FACETS = [
    ("objective", "objectives", ["6", "9"]),
    ("principle", "principles", ["human-rights", "gender-responsive"]),
    ("region", "regions", ["africa", "asia"]),
    ("country", "countries", ["KE", "FR"]),
    ("language", "languages", ["en", "fr"]),
    ("available_for", "available_for", ["media", "training"]),
]


@pytest.mark.parametrize(("facet", "attribute", "values"), EXPERT_FACETS)
def test_each_expert_facet_filters_by_any_of_its_values_and_is_counted(facet, attribute, values):
    first, second = values
    expert("Both", **{attribute: [first, second]})
    expert("First", **{attribute: [first]})
    expert("Second", **{attribute: [second]})
    expert("Neither", **{attribute: []})

    only_first: dict[str, Any] = {attribute: (first,)}
    first_or_second: dict[str, Any] = {attribute: (first, second)}
    one = search_experts(ExpertQuery(**only_first), offset=0, limit=10)
    either = search_experts(ExpertQuery(**first_or_second), offset=0, limit=10)

    assert sorted(e.name for e in one.results) == ["Both", "First"]
    assert sorted(e.name for e in either.results) == ["Both", "First", "Second"]
    assert one.facets[facet] == either.facets[facet] == {first: 2, second: 2}


def test_verified_filters_without_being_a_facet():
    expert("A", verified=True)
    expert("B", verified=False)

    page = search_experts(ExpertQuery(verified=True), offset=0, limit=10)

    assert [e.name for e in page.results] == ["A"]
    assert page.count == 1


# --- Resources -------------------------------------------------------------------------------


def resources(query: ResourceQuery, visible=None) -> list[str]:
    visible = Resource.objects.all() if visible is None else visible
    return [r.title for r in search_resources(query, visible=visible, offset=0, limit=50).results]


def test_resources_without_a_query_are_global_then_regional_then_national_then_newest_first():
    ResourceFactory.create(title="national new", scope="national", publication_date=date(2024, 1, 1))
    ResourceFactory.create(title="regional undated", scope="regional", publication_date=None)
    ResourceFactory.create(title="regional old", scope="regional", publication_date=date(2019, 1, 1))
    ResourceFactory.create(title="global old", scope="global", publication_date=date(2018, 1, 1))
    ResourceFactory.create(title="regional new", scope="regional", publication_date=date(2023, 1, 1))
    ResourceFactory.create(title="global new", scope="global", publication_date=date(2022, 6, 1))
    ResourceFactory.create(title="regional new too", scope="regional", publication_date=date(2023, 1, 1))

    assert resources(ResourceQuery()) == [
        "global new",
        "global old",
        "regional new",
        "regional new too",  # same date: by id
        "regional old",
        "regional undated",
        "national new",
    ]


def test_resources_of_equal_relevance_follow_the_default_order():
    ResourceFactory.create(title="Toolkit (national)", summary="", scope="national")
    ResourceFactory.create(title="Toolkit (global)", summary="", scope="global")

    assert resources(ResourceQuery(q="toolkit")) == ["Toolkit (global)", "Toolkit (national)"]


def test_resource_title_summary_and_organization_are_searched_with_stems():
    ResourceFactory.create(title="Counting migrants", summary="", organization="")
    ResourceFactory.create(title="Guide", summary="How ministries counted returns.", organization="")
    ResourceFactory.create(title="Atlas", summary="", organization="Counterpart International")
    ResourceFactory.create(title="Other", summary="Nothing.", organization="")

    assert resources(ResourceQuery(q="count returns")) == ["Guide"]  # "count" whole, "returns" a prefix
    assert resources(ResourceQuery(q="counts migrants")) == ["Counting migrants"]
    assert sorted(resources(ResourceQuery(q="count"))) == ["Atlas", "Counting migrants", "Guide"]


def test_resource_search_and_counts_stay_within_what_the_caller_may_see():
    owner = UserFactory.create()
    ResourceFactory.create(title="Approved", kind="document", regions=["africa"])
    ResourceFactory.create(title="Mine", kind="video", status="submitted", submitted_by=owner, regions=["asia"])
    ResourceFactory.create(title="Theirs", kind="video", status="submitted", regions=["asia"])
    ResourceFactory.create(title="Rejected", kind="project", status="rejected", regions=["europe"])
    visible = Resource.objects.filter(status="approved") | Resource.objects.filter(submitted_by=owner)

    page = search_resources(ResourceQuery(kinds=("video",)), visible=visible, offset=0, limit=10)

    assert [r.title for r in page.results] == ["Mine"]
    assert page.count == 1
    assert page.facets["kind"] == {"document": 1, "video": 1}
    assert page.facets["region"] == {"asia": 1}
    assert page.facets["scope"] == {"regional": 1}


def test_resource_statuses_filter_within_visibility():
    ResourceFactory.create(title="Approved")
    ResourceFactory.create(title="In review", status="in_review")
    ResourceFactory.create(title="Submitted", status="submitted")

    assert resources(ResourceQuery(statuses=("in_review", "submitted"))) == ["In review", "Submitted"]


RESOURCE_FACETS = [
    ("kind", "kinds", "kind", ["video", "project"]),
    ("objective", "objectives", "objectives", [["6"], ["9"]]),
    ("principle", "principles", "principles", [["human-rights"], ["gender-responsive"]]),
    ("region", "regions", "regions", [["africa"], ["asia"]]),
    ("country", "countries", "countries", [["KE"], ["FR"]]),
    ("document_type", "document_types", "document_type_id", ["report", "policy-brief"]),
    ("language", "languages", "languages", [["en"], ["fr"]]),
    ("scope", "scopes", "scope", ["global", "national"]),
]


@pytest.mark.parametrize(("facet", "attribute", "field", "values"), RESOURCE_FACETS)
def test_each_resource_facet_filters_and_is_counted(facet, attribute, field, values):
    first, second = values
    ResourceFactory.create(title="First", **{field: first})
    ResourceFactory.create(title="Second", **{field: second})
    key = first[0] if isinstance(first, list) else first
    other = second[0] if isinstance(second, list) else second

    only_first: dict[str, Any] = {attribute: (key,)}
    query = ResourceQuery(**only_first)
    page = search_resources(query, visible=Resource.objects.all(), offset=0, limit=10)

    assert [r.title for r in page.results] == ["First"]
    assert page.facets[facet] == {key: 1, other: 1}


# --- The index follows the rows ----------------------------------------------------------------


def test_a_changed_profile_is_found_by_its_new_words_at_once_and_not_by_its_old():
    ana = expert("Ana Silva", bio="Works on detention.")
    assert found("detention") == ["Ana Silva"]

    ana.bio = "Works on resettlement."
    ana.name = "Ana Pereira"
    ana.save()

    assert found("detention") == []
    assert found("resettlement") == ["Ana Pereira"]
    assert found("silva") == []
    assert found("pereira") == ["Ana Pereira"]


def test_a_changed_resource_is_found_by_its_new_words_at_once():
    resource = ResourceFactory.create(title="Atlas of returns", summary="")

    Resource.objects.filter(pk=resource.pk).update(title="Atlas of remittances")

    assert resources(ResourceQuery(q="returns")) == []
    assert resources(ResourceQuery(q="remittances")) == ["Atlas of remittances"]


def test_deleted_rows_vanish_from_results_and_counts():
    kept = expert("Kept", bio="Remittances.", regions=["africa"])
    gone = expert("Gone", bio="Remittances.", regions=["asia"])
    resource = ResourceFactory.create(title="Remittances atlas")
    search_experts(ExpertQuery(q="remittances"), offset=0, limit=10)  # counted (and cached) before

    gone.delete()
    resource.delete()

    page = search_experts(ExpertQuery(q="remittances"), offset=0, limit=10)
    assert [e.pk for e in page.results] == [kept.pk]
    assert page.count == 1
    assert page.facets["region"] == {"africa": 1}
    assert resources(ResourceQuery(q="remittances")) == []


# --- Queries ---------------------------------------------------------------------------------

FILTER_SETS = [
    {},
    {"regions": ("africa",)},
    {"regions": ("africa", "asia"), "objectives": ("6",)},
    {"regions": ("africa",), "objectives": ("6", "9"), "languages": ("en",)},
]


@pytest.mark.parametrize("q", ["", "remittances", "remit"])
@pytest.mark.parametrize("filters", FILTER_SETS)
@pytest.mark.parametrize("limit", [1, 50])
def test_an_expert_search_is_two_queries_whatever_the_page_size_and_filters(
    django_assert_num_queries, q, filters, limit
):
    users = UserFactory.create_batch(3)
    for index in range(60):
        expert(
            f"Expert {index}",
            user=users[index] if index < len(users) else None,
            bio="Remittances.",
            regions=[["africa"], ["asia"], ["europe", "africa"]][index % 3],
            objectives=[str(index % 23 + 1)],
            countries=[["KE"], ["FR"], ["BR"], ["IN"]][index % 4],
        )

    # On PostgreSQL the first search after these writes brings the process's index up to date,
    # and words the process has not seen cost one more statement, once.
    search_experts(ExpertQuery(q=q), offset=0, limit=1)
    with django_assert_num_queries(2):
        page = search_experts(ExpertQuery(q=q, **filters), offset=0, limit=limit)
        # What a payload reads is already there (the owner's username).
        assert [e.user.username if e.user else None for e in page.results]

    assert len(page.results) == min(limit, page.count)


@pytest.mark.parametrize("q", ["", "guidelines"])
@pytest.mark.parametrize("filters", [{}, {"kinds": ("video",)}, {"kinds": ("video",), "regions": ("africa",)}])
@pytest.mark.parametrize("limit", [1, 50])
def test_a_resource_search_is_two_queries_whatever_the_page_size_and_filters(
    django_assert_num_queries, q, filters, limit
):
    submitters = UserFactory.create_batch(3)
    for index in range(30):
        ResourceFactory.create(kind=["video", "document"][index % 2], submitted_by=submitters[index % 3])
    visible = Resource.objects.filter(status="approved")

    with django_assert_num_queries(2):
        page = search_resources(ResourceQuery(q=q, **filters), visible=visible, offset=0, limit=limit)
        assert [r.submitted_by.username for r in page.results if r.submitted_by]

    assert len(page.results) == min(limit, page.count)
