import pytest

pytestmark = pytest.mark.usefixtures("taxonomy")


def test_objectives_list_is_24_items_in_order_and_not_paginated(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/objectives/")
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 24
    assert items[0] == {
        "number": 1,
        "key": "1",
        "short_title": "Data",
        "title": "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
    }
    assert items[-1]["key"] == "general"
    assert items[-1]["number"] is None
    assert [item["number"] for item in items[:23]] == list(range(1, 24))


def test_objective_detail_has_commitment_actions_related_and_counts(api_client, django_assert_max_num_queries):
    from gcm.counts import _counters

    # The objective, its actions, its related objectives, and one count per registered feature.
    with django_assert_max_num_queries(3 + len(_counters)):
        response = api_client.get("/api/v1/objectives/9/")
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "9"
    assert body["short_title"] == "Counter smuggling"
    assert body["commitment"].startswith("We commit to intensify")
    assert [action["letter"] for action in body["actions"]] == list("abcdef")
    assert body["related"] == ["7", "10", "12", "14"]
    assert body["counts"]["spaces"] == 1


def test_general_objective_is_addressed_by_its_key(api_client):
    assert api_client.get("/api/v1/objectives/general/").json()["number"] is None


@pytest.mark.parametrize("key", ["24", "0", "nine"])
def test_unknown_objective_is_404(api_client, key):
    response = api_client.get(f"/api/v1/objectives/{key}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_principles_regions_document_types_languages(api_client):
    principles = api_client.get("/api/v1/principles/").json()
    assert len(principles) == 10
    assert principles[0] == {"slug": "people-centred", "name": "People-centred"}
    assert {"slug": "rule-of-law-and-due-process", "name": "Rule of law and due process"} in principles
    regions = api_client.get("/api/v1/regions/").json()
    assert [region["slug"] for region in regions] == ["africa", "americas", "asia", "europe", "oceania"]
    document_types = api_client.get("/api/v1/document-types/").json()
    assert len(document_types) == 12
    assert {"slug": "policy-brief", "name": "Policy Brief"} in document_types
    assert len(api_client.get("/api/v1/languages/").json()) == 6


@pytest.mark.parametrize(
    ("path", "rows"), [("principles", 10), ("regions", 5), ("document-types", 12), ("languages", 6)]
)
def test_each_taxonomy_list_is_one_query(api_client, django_assert_num_queries, path, rows):
    with django_assert_num_queries(1):
        response = api_client.get(f"/api/v1/{path}/")
    assert len(response.json()) == rows


def test_countries_name_their_region(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        countries = api_client.get("/api/v1/countries/").json()
    assert len(countries) == 195
    senegal = next(country for country in countries if country["iso2"] == "SN")
    assert senegal == {"iso2": "SN", "iso3": "SEN", "name": "Senegal", "region": "Africa", "region_slug": "africa"}


def test_taxonomy_is_read_only(api_client, staff_user):
    api_client.force_authenticate(staff_user)
    assert api_client.post("/api/v1/objectives/", {"key": "24"}, format="json").status_code == 405
    assert api_client.delete("/api/v1/objectives/9/").status_code == 405
