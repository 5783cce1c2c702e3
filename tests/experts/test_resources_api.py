"""The library over REST: submitting, who sees what (list and detail), the status filter, the default order."""

import datetime as dt

import pytest

from experts.models import Resource
from tests.experts.factories import ResourceFactory
from tests.experts.review_helpers import as_user, in_review, roster_member, submitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESOURCES = "/api/v1/resources/"


def listed_ids(client, query="") -> list[int]:
    response = client.get(f"{RESOURCES}?page_size=100{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def a_submission(**overrides):
    return {
        "kind": "document",
        "title": "Bilateral labour agreements: a review",
        "summary": "How 40 agreements protect migrant workers.",
        "summary_language": "fr",
        "url": "https://www.example.org/bla.pdf",
        "document_type": "report",
        "publication_date": "2025-03-01",
        "objectives": ["6", "general"],
        "principles": [],
        "regions": ["africa"],
        "countries": ["ke", "ET"],
        "languages": ["en", "fr"],
        "scope": "regional",
        "organization": "ILO",
        **overrides,
    }


class TestSubmitting:
    def test_a_submission_is_stored_as_submitted_by_the_caller(self, taxonomy):
        author = UserFactory.create()
        response = as_user(author).post(RESOURCES, a_submission(), format="json")
        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["submitted_by"], body["kind"]) == ("submitted", author.username, "document")
        assert (body["document_type"], body["publication_date"], body["summary_language"]) == (
            "report",
            "2025-03-01",
            "fr",
        )
        assert (body["countries"], body["objectives"], body["scope"]) == (["KE", "ET"], ["6", "general"], "regional")
        stored = Resource.objects.get(pk=body["id"])
        assert (stored.status, stored.submitted_by) == (Resource.Status.SUBMITTED, author)

    def test_only_kind_and_title_are_required(self, taxonomy):
        response = as_user(UserFactory.create()).post(RESOURCES, {"kind": "video", "title": "Voices"}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert (body["url"], body["document_type"], body["publication_date"], body["scope"]) == (
            "",
            None,
            None,
            "global",
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"objectives": ["24"]}, "objectives"),
            ({"regions": ["atlantis"]}, "regions"),
            ({"countries": ["XX"]}, "countries"),
            ({"languages": ["de"]}, "languages"),
            ({"url": "ftp://files.example.org/a.pdf"}, "url"),
            ({"url": "javascript:alert(1)"}, "url"),
            ({"document_type": "novel"}, "document_type"),
            ({"kind": "video", "document_type": "report"}, "document_type"),
            ({"summary": "x" * 10_001}, "summary"),
            ({"kind": "podcast"}, "kind"),
            ({"title": ""}, "title"),
            ({"scope": "galactic"}, "scope"),
            ({"publication_date": "yesterday"}, "publication_date"),
        ],
    )
    def test_invalid_fields_are_400_naming_the_field(self, taxonomy, overrides, field):
        response = as_user(UserFactory.create()).post(RESOURCES, a_submission(**overrides), format="json")
        assert response.status_code == 400
        assert set(response.json()) == {field}
        assert not Resource.objects.exists()

    def test_a_summary_of_exactly_ten_thousand_characters_is_accepted(self, taxonomy):
        response = as_user(UserFactory.create()).post(RESOURCES, a_submission(summary="x" * 10_000), format="json")
        assert response.status_code == 201

    def test_anonymous_callers_cannot_submit(self, api_client, taxonomy):
        assert api_client.post(RESOURCES, a_submission(), format="json").status_code == 401


class TestVisibility:
    @pytest.fixture
    def library(self, taxonomy):
        """One resource in each state, and the people around the pending ones."""
        author, reviewer = UserFactory.create(), roster_member()
        return {
            "author": author,
            "reviewer": reviewer,
            "approved": ResourceFactory.create(),
            "submitted": submitted(by=author),
            "in_review": in_review(reviewer, by=author),
            "rejected": ResourceFactory.create(status=Resource.Status.REJECTED, submitted_by=author),
            "elsewhere": submitted(),
        }

    def test_anonymous_callers_see_only_approved_resources(self, api_client, library):
        assert listed_ids(api_client) == [library["approved"].pk]
        assert api_client.get(f"{RESOURCES}{library['approved'].pk}/").status_code == 200
        for pending in ("submitted", "in_review", "rejected"):
            assert api_client.get(f"{RESOURCES}{library[pending].pk}/").status_code == 404

    def test_the_submitter_sees_their_own_pending_submissions_and_no_one_elses(self, library):
        client = as_user(library["author"])
        own = {library[name].pk for name in ("submitted", "in_review", "rejected")}
        assert set(listed_ids(client)) == own | {library["approved"].pk}
        assert client.get(f"{RESOURCES}{library['submitted'].pk}/").json()["status"] == "submitted"
        response = client.get(f"{RESOURCES}{library['elsewhere'].pk}/")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_another_users_pending_submission_is_404_and_absent_from_the_list(self, library):
        client = as_user(UserFactory.create())
        assert listed_ids(client) == [library["approved"].pk]
        for pending in ("submitted", "in_review", "rejected", "elsewhere"):
            assert client.get(f"{RESOURCES}{library[pending].pk}/").status_code == 404

    def test_staff_see_everything(self, library, staff_user):
        everything = {library[name].pk for name in ("approved", "submitted", "in_review", "rejected", "elsewhere")}
        assert set(listed_ids(as_user(staff_user))) == everything
        assert as_user(staff_user).get(f"{RESOURCES}{library['elsewhere'].pk}/").status_code == 200

    def test_an_assigned_reviewer_sees_what_they_review_and_other_reviewers_do_not(self, library):
        assert set(listed_ids(as_user(library["reviewer"]))) == {library["approved"].pk, library["in_review"].pk}
        assert as_user(library["reviewer"]).get(f"{RESOURCES}{library['in_review'].pk}/").status_code == 200
        other_reviewer = as_user(roster_member())
        assert other_reviewer.get(f"{RESOURCES}{library['in_review'].pk}/").status_code == 404

    def test_an_unknown_resource_is_404(self, api_client):
        assert api_client.get(f"{RESOURCES}987654/").status_code == 404


class TestStatusFilter:
    def test_callers_off_the_roster_cannot_filter_by_status(self, api_client, taxonomy):
        for client in (api_client, as_user(UserFactory.create())):
            response = client.get(f"{RESOURCES}?status=submitted")
            assert response.status_code == 400
            assert set(response.json()) == {"status"}

    def test_staff_filter_by_status(self, taxonomy, staff_user):
        ResourceFactory.create()
        waiting = submitted()
        reviewing = in_review(roster_member())
        assert listed_ids(as_user(staff_user), "&status=submitted") == [waiting.pk]
        assert set(listed_ids(as_user(staff_user), "&status=submitted&status=in_review")) == {waiting.pk, reviewing.pk}

    def test_a_reviewer_filters_what_they_may_see_by_status(self, taxonomy):
        reviewer = roster_member()
        ResourceFactory.create()
        submitted()
        mine = in_review(reviewer)
        assert listed_ids(as_user(reviewer), "&status=in_review") == [mine.pk]

    def test_an_unknown_status_is_400(self, taxonomy, staff_user):
        assert as_user(staff_user).get(f"{RESOURCES}?status=lost").status_code == 400


class TestListing:
    def test_default_order_is_global_regional_national_then_newest_publication(self, api_client, taxonomy):
        def made(scope, published):
            return ResourceFactory.create(scope=scope, publication_date=published).pk

        national_new = made("national", dt.date(2025, 1, 1))
        regional_old = made("regional", dt.date(2010, 1, 1))
        global_old = made("global", dt.date(2012, 1, 1))
        regional_new = made("regional", dt.date(2024, 1, 1))
        global_new = made("global", dt.date(2023, 6, 1))
        assert listed_ids(api_client) == [global_new, global_old, regional_new, regional_old, national_new]

    def test_filters_apply_and_the_body_carries_facets(self, api_client, taxonomy):
        video = ResourceFactory.create(kind="video", document_type=None, objectives=["9"])
        ResourceFactory.create(kind="document", objectives=["6"])
        body = api_client.get(f"{RESOURCES}?kind=video").json()
        assert [row["id"] for row in body["results"]] == [video.pk]
        assert (body["count"], body["previous"]) == (1, None)
        assert "facets" in body

    def test_unknown_filter_values_are_400(self, api_client, taxonomy):
        for query in ("kind=podcast", "objective=99", "document_type=novel", "scope=galactic", "region=atlantis"):
            assert api_client.get(f"{RESOURCES}?{query}").status_code == 400, query

    def test_pages(self, api_client, taxonomy):
        ResourceFactory.create_batch(3)
        first = api_client.get(f"{RESOURCES}?page_size=2").json()
        assert (first["count"], len(first["results"])) == (3, 2)
        assert first["next"] is not None
        second = api_client.get(first["next"]).json()
        assert len(second["results"]) == 1
        assert api_client.get(f"{RESOURCES}?page=3&page_size=2").status_code == 404
