"""Helpers of the library and peer-review tests: roster members, resources in each state, clients."""

from rest_framework.test import APIClient

from experts.models import Resource, ReviewAssignment, Reviewer
from tests.experts.factories import ResourceFactory
from tests.factories import UserFactory


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def roster_member(**user_fields):
    user = UserFactory.create(**user_fields)
    Reviewer.objects.create(user=user, objectives=["6"])
    return user


def submitted(by=None, **fields) -> Resource:
    """A resource waiting for reviewers, submitted by ``by`` (a new user when not given)."""
    return ResourceFactory.create(status=Resource.Status.SUBMITTED, submitted_by=by or UserFactory.create(), **fields)


def in_review(*reviewers, by=None, **fields) -> Resource:
    """A resource in review with ``reviewers`` (roster members) assigned."""
    resource = ResourceFactory.create(
        status=Resource.Status.IN_REVIEW, submitted_by=by or UserFactory.create(), **fields
    )
    for reviewer in reviewers:
        ReviewAssignment.objects.create(resource=resource, reviewer=reviewer)
    return resource


def approve(client: APIClient, resource: Resource, comment: str = "Sound and useful."):
    return client.post(
        f"/api/v1/resources/{resource.pk}/reviews/",
        {"decision": "approve", "comment": comment, "no_conflict_of_interest": True},
        format="json",
    )


def reject(client: APIClient, resource: Resource, comment: str = "Out of date."):
    return client.post(
        f"/api/v1/resources/{resource.pk}/reviews/",
        {"decision": "reject", "comment": comment, "no_conflict_of_interest": True},
        format="json",
    )
