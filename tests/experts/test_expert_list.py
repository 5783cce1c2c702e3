"""The expert directory list: its filters parsed into one ``ExpertQuery`` (unknown values 400),
paged like the contract with facets, and a query count that does not grow with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experts.api import experts as experts_api
from experts.search.queries import ExpertQuery, SearchPage
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_FACETS: dict[str, dict[str, int]] = {
    name: {} for name in ("objective", "principle", "region", "country", "language", "available_for")
}


def test_the_filters_become_one_query_for_the_search(api_client, taxonomy, monkeypatch):
    asked = []

    def search_experts(query, *, offset, limit):
        asked.append((query, offset, limit))
        return SearchPage(results=[], count=12, facets=NO_FACETS)

    monkeypatch.setattr(experts_api, "search_experts", search_experts)
    url = (
        "/api/v1/experts/?q=fair+recruitment&objective=9&objective=general&principle=people-centred&region=africa"
        "&country=ke&country=SN&language=fr&available_for=media&available_for=media&page=2&page_size=5"
    )
    response = api_client.get(url)
    assert response.status_code == 200
    assert asked == [
        (
            ExpertQuery(
                q="fair recruitment",
                objectives=("9", "general"),
                principles=("people-centred",),
                regions=("africa",),
                countries=("KE", "SN"),
                languages=("fr",),
                available_for=("media",),
            ),
            5,
            5,
        )
    ]
    body = response.json()
    assert (body["count"], body["results"]) == (12, [])
    assert body["previous"] is not None and body["next"] is not None


def test_no_filter_is_an_empty_query(api_client, taxonomy, monkeypatch):
    asked = []

    def search_experts(query, **page):
        asked.append((query, page))
        return SearchPage([], 0, NO_FACETS)

    monkeypatch.setattr(experts_api, "search_experts", search_experts)
    assert api_client.get("/api/v1/experts/").status_code == 200
    assert asked == [(ExpertQuery(), {"offset": 0, "limit": 20})]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("objective", "24"), ("principle", "nope"), ("region", "atlantis"), ("country", "XX"), ("language", "tlh"),
     ("available_for", "lunch")],
)  # fmt: skip
def test_an_unknown_filter_value_is_400_naming_the_filter(api_client, taxonomy, parameter, value):
    response = api_client.get(f"/api/v1/experts/?{parameter}=6&{parameter}={value}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_the_list_finds_experts_by_objective_with_facets(api_client, taxonomy):
    owner = UserFactory.create()
    labour = ExpertFactory.create(user=owner, name="Amina Diallo", objectives=["6"], regions=["africa"])
    ExpertFactory.create(name="Pedro Alves", objectives=["9"], regions=["americas"])
    body = api_client.get("/api/v1/experts/?objective=6").json()
    assert [row["id"] for row in body["results"]] == [labour.pk]
    assert body["results"][0]["username"] == owner.username
    assert body["count"] == 1
    assert body["facets"]["objective"] == {"6": 1, "9": 1}  # the objective facet ignores its own filter
    assert body["facets"]["region"] == {"africa": 1}


def test_experts_list_query_count(api_client, taxonomy):
    """As many queries for a page of 50 experts (each with an owner) as for a page of 1."""
    for n in range(50):
        ExpertFactory.create(user=UserFactory.create(), name=f"Expert {n:02}")

    api_client.get("/api/v1/experts/?objective=6")  # the process's index brought up to date (PostgreSQL)

    def get(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(f"/api/v1/experts/?page_size={page_size}&objective=6")
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert get(50) == get(1)
