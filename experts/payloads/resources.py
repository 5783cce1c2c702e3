"""The JSON shapes of resources, reviews, roster applications and review assignments.

One typed function per shape; ``experts/schema/resources.py`` declares the same shapes for the
OpenAPI document, and the test suite checks every response against it.
"""

from datetime import date, datetime
from typing import TypedDict

from experts.models import Resource, Review, ReviewAssignment, ReviewerApplication


class ResourcePayload(TypedDict):
    id: int
    kind: str
    title: str
    summary: str
    summary_language: str
    url: str
    document_type: str | None
    publication_date: str | None
    objectives: list[str]
    principles: list[str]
    regions: list[str]
    countries: list[str]
    languages: list[str]
    scope: str
    organization: str
    status: str
    submitted_by: str | None
    created_at: str


class ReviewPayload(TypedDict):
    id: int
    resource: int
    reviewer: str | None
    decision: str
    comment: str
    no_conflict_of_interest: bool
    created_at: str


class ReviewResultPayload(TypedDict):
    review: ReviewPayload
    resource: ResourcePayload


class AssignmentResultPayload(TypedDict):
    resource: ResourcePayload
    reviewers: list[str]
    added: list[str]


class ReviewerApplicationPayload(TypedDict):
    id: int
    username: str
    motivation: str
    objectives: list[str]
    status: str
    created_at: str
    decided_by: str | None
    decided_at: str | None


class ReviewAssignmentPayload(TypedDict):
    resource: ResourcePayload
    assigned_at: str
    reviewed: bool
    decision: str | None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _iso_or_none(moment: datetime | None) -> str | None:
    return _iso(moment) if moment is not None else None


def _date_or_none(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def resource_payload(resource: Resource) -> ResourcePayload:
    """Call with ``submitted_by`` loaded (``experts.selectors.resources.resources_visible_to`` joins it)."""
    return {
        "id": resource.pk,
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "summary_language": resource.summary_language,
        "url": resource.url,
        "document_type": resource.document_type_id,
        "publication_date": _date_or_none(resource.publication_date),
        "objectives": resource.objectives,
        "principles": resource.principles,
        "regions": resource.regions,
        "countries": resource.countries,
        "languages": resource.languages,
        "scope": resource.scope,
        "organization": resource.organization,
        "status": resource.status,
        "submitted_by": resource.submitted_by.username if resource.submitted_by is not None else None,
        "created_at": _iso(resource.created_at),
    }


def review_payload(review: Review, *, reviewer_shown: bool = True) -> ReviewPayload:
    """Call with ``reviewer`` loaded; without ``reviewer_shown`` the reviewer is left out (null)."""
    return {
        "id": review.pk,
        "resource": review.resource_id,
        "reviewer": review.reviewer.username if reviewer_shown else None,
        "decision": review.decision,
        "comment": review.comment,
        "no_conflict_of_interest": review.no_conflict_of_interest,
        "created_at": _iso(review.created_at),
    }


def review_result_payload(review: Review, resource: Resource) -> ReviewResultPayload:
    return {"review": review_payload(review), "resource": resource_payload(resource)}


def assignment_result_payload(resource: Resource, *, reviewers: list[str], added: list[str]) -> AssignmentResultPayload:
    return {"resource": resource_payload(resource), "reviewers": reviewers, "added": added}


def reviewer_application_payload(application: ReviewerApplication) -> ReviewerApplicationPayload:
    """Call with ``user`` and ``decided_by`` loaded (``experts.selectors.review.reviewer_applications_visible_to``)."""
    return {
        "id": application.pk,
        "username": application.user.username,
        "motivation": application.motivation,
        "objectives": application.objectives,
        "status": application.status,
        "created_at": _iso(application.created_at),
        "decided_by": application.decided_by.username if application.decided_by is not None else None,
        "decided_at": _iso_or_none(application.decided_at),
    }


def review_assignment_payload(assignment: ReviewAssignment, *, decision: str | None) -> ReviewAssignmentPayload:
    """Call on ``experts.selectors.review.review_assignments_of`` rows (resource and submitter joined)."""
    return {
        "resource": resource_payload(assignment.resource),
        "assigned_at": _iso(assignment.assigned_at),
        "reviewed": decision is not None,
        "decision": decision,
    }
