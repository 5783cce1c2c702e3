"""Reviews racing on PostgreSQL: the resource row lock makes the decision happen, and be announced, once.

Each reviewer posts from a thread of its own (its own database connection), all released at
once. Without the lock, two approvals each count only their own and the resource stays in review
for ever, or each counts both and it is published (and announced) twice.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from experts.models import Resource, Review
from experts.services.review import review_submit
from hub.errors import HubError
from notifications.models import Notification
from tests.experts.review_helpers import in_review, roster_member
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def race(resource, reviewers) -> list[str]:
    start = threading.Barrier(len(reviewers))

    def review(reviewer) -> str:
        try:
            start.wait(timeout=10)
            outcome = review_submit(
                reviewer=reviewer, resource_id=resource.pk, decision=Review.Decision.APPROVE, comment="",
                no_conflict_of_interest=True,
            )  # fmt: skip
            return "decided" if outcome.decided else "counted"
        except HubError as refusal:
            return str(refusal.status)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(reviewers)) as pool:
        return sorted(pool.map(review, reviewers))


@pytest.mark.parametrize(("reviewers", "outcomes"), [(2, ["counted", "decided"]), (3, ["409", "counted", "decided"])])
def test_approvals_racing_publish_once_and_notify_once(taxonomy, reviewers, outcomes):
    author = UserFactory.create()
    team = [roster_member() for _ in range(reviewers)]
    resource = in_review(*team, by=author)

    for _ in range(5):  # a few rounds: each starts from a fresh resource in review
        assert race(resource, team) == outcomes
        resource.refresh_from_db()
        assert resource.status == Resource.Status.APPROVED
        assert Review.objects.filter(resource=resource).count() == 2
        told = Notification.objects.filter(recipient=author, kind=Notification.Kind.RESOURCE_DECISION)
        assert told.count() == 1
        # Every reviewer but the one whose approval decided hears of it, once.
        assert Notification.objects.filter(kind=Notification.Kind.RESOURCE_DECISION).count() == reviewers
        Notification.objects.all().delete()
        resource = in_review(*team, by=author)
