"""hub.pagination: the contract's page shape for lists that a search engine pages."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from hub.errors import HubError
from hub.pagination import page_body, page_request


def request_for(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/api/v1/experts/?{query}"))


def test_the_first_page_links_to_the_next_only():
    request = request_for("q=fair")
    page = page_request(request, default_size=20)
    body = page_body(request, page, count=45, results=["a"])
    assert (page.number, page.size, page.offset) == (1, 20, 0)
    assert body["count"] == 45
    assert body["next"] == "http://testserver/api/v1/experts/?page=2&q=fair"
    assert body["previous"] is None


def test_the_second_page_links_back_without_a_page_number_and_the_last_has_no_next():
    request = request_for("q=fair&page=2&page_size=20")
    body = page_body(request, page_request(request), count=40, results=[])
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/experts/?page_size=20&q=fair"


def test_extra_keys_ride_along():
    request = request_for("")
    assert page_body(request, page_request(request), count=0, results=[], facets={"region": {}})["facets"] == {
        "region": {}
    }


def test_the_page_size_is_capped():
    assert page_request(request_for("page_size=5000"), max_size=100).size == 100


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=x"])
def test_a_page_that_cannot_exist_is_not_found(query):
    with pytest.raises(HubError) as refused:
        page_request(request_for(query))
    assert refused.value.status == 404


def test_a_page_past_the_end_is_not_found_but_an_empty_first_page_is_fine():
    request = request_for("page=3")
    with pytest.raises(HubError) as refused:
        page_body(request, page_request(request), count=40, results=[])
    assert refused.value.status == 404
    empty = request_for("")
    assert page_body(empty, page_request(empty), count=0, results=[])["results"] == []
