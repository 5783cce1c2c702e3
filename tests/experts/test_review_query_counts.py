"""The peer-review lists answer 20 rows in as many queries as 2 (no N+1).

Each test makes 2 rows, counts the queries of one GET, makes 18 more and asserts the very same
count with all 20 in the answer. Rows carry every relation their payload shows (reviewers,
applicants and the staff who decided, resources with their submitters).
"""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from experts.models import Review, ReviewAssignment, ReviewerApplication
from tests.experts.review_helpers import as_user, in_review, roster_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DECLARED = {"no_conflict_of_interest": True}


def assert_queries_do_not_grow(client: APIClient, url: str, add_rows: Callable[[int], object]) -> None:
    def get() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        return len(queries), len(response.json()["results"])

    add_rows(2)
    queries_for_2, rows = get()
    assert rows == 2
    add_rows(18)
    queries_for_20, rows = get()
    assert rows == 20
    assert queries_for_20 == queries_for_2, f"{url}: {queries_for_2} queries for 2 rows, {queries_for_20} for 20"


def test_resource_reviews_list(taxonomy, staff_user):
    resource = in_review()

    def add_reviews(n):
        for _ in range(n):
            reviewer = roster_member()
            ReviewAssignment.objects.create(resource=resource, reviewer=reviewer)
            Review.objects.create(
                resource=resource, reviewer=reviewer, decision="approve", no_conflict_of_interest=True
            )

    assert_queries_do_not_grow(as_user(staff_user), f"/api/v1/resources/{resource.pk}/reviews/", add_reviews)


def test_reviewer_applications_list(taxonomy, staff_user):
    def add_applications(n):
        for index in range(n):
            application = ReviewerApplication.objects.create(
                user=UserFactory.create(), motivation="Experienced", objectives=["6"]
            )
            if index % 2:
                application.status = ReviewerApplication.Status.REJECTED
                application.decided_by = UserFactory.create(is_staff=True)
                application.save()

    assert_queries_do_not_grow(as_user(staff_user), "/api/v1/reviewer-applications/", add_applications)


def test_my_review_assignments_list(taxonomy):
    reviewer = roster_member()

    def add_assignments(n):
        for index in range(n):
            resource = in_review(reviewer)
            if index % 2:  # half of them reviewed already
                Review.objects.create(resource=resource, reviewer=reviewer, decision="reject", **DECLARED)

    assert_queries_do_not_grow(as_user(reviewer), "/api/v1/me/review-assignments/", add_assignments)
