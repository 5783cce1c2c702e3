"""Peer review: staff assign roster members to a submitted resource, and their reviews decide it.

A resource moves submitted → in_review (its first assignment) → approved (the second approval)
or rejected (the first rejection), and never back. Both writes lock the resource row, so that a
review and an assignment, or two reviews, sent at the same moment are applied one after the
other: the decision is taken, and announced, exactly once.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from experts.models import Resource, Review, ReviewAssignment
from experts.selectors.review import (
    DECIDED,
    approvals_of,
    assigned_reviewers,
    resource_visible_for_update,
    reviewer_standing,
    roster_members_named,
)
from hub.errors import ErrorCode, HubError
from notifications.models import Notification
from notifications.services import notification_create
from webhooks.outbox import webhooks_resource_approved

APPROVALS_TO_PUBLISH = 2


def resource_path(resource_id: int) -> str:
    """The resource's page on the Hub, where notifications about it link to."""
    return f"/resources/{resource_id}/"


@dataclass(frozen=True)
class AssignmentOutcome:
    resource: Resource
    reviewers: list[str]  # every reviewer assigned to the resource, in order of assignment
    added: list[str]  # those this call assigned (the others were assigned already)


def review_assign(*, staff: User, resource_id: int, usernames: list[str]) -> AssignmentOutcome:
    """Staff assign roster members to review a resource; each new one is notified (``review_assigned``).

    Only members of the roster (400 naming the others), never the submitter (400); a resource that
    is approved or rejected takes no more reviewers (409). Assigning someone again changes
    nothing. The first assignment moves the resource to ``in_review``. Locks the resource row.
    """
    if not staff.is_staff:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff assign reviewers."))
    with transaction.atomic():
        resource = resource_visible_for_update(user=staff, resource_id=resource_id)
        if resource.status in DECIDED:
            raise HubError(ErrorCode.CONFLICT, _("This resource has been decided; it takes no more reviewers."))
        lookup = roster_members_named(usernames)
        if lookup.not_on_roster:
            raise HubError(
                ErrorCode.INVALID,
                _("Not on the Peer Review Roster: %(names)s.") % {"names": ", ".join(lookup.not_on_roster)},
            )
        if any(reviewer.pk == resource.submitted_by_id for reviewer in lookup.reviewers):
            raise HubError(ErrorCode.INVALID, _("Nobody reviews their own submission: %(name)s submitted it.")
                           % {"name": resource.submitted_by.username if resource.submitted_by else ""})  # fmt: skip
        already = {reviewer.pk for reviewer in assigned_reviewers(resource)}
        added = [reviewer for reviewer in lookup.reviewers if reviewer.pk not in already]
        ReviewAssignment.objects.bulk_create(
            [ReviewAssignment(resource=resource, reviewer=reviewer, assigned_by=staff) for reviewer in added]
        )
        if resource.status == Resource.Status.SUBMITTED:
            resource.status = Resource.Status.IN_REVIEW
            resource.save(update_fields=["status", "updated_at"])
        for reviewer in added:
            notification_create(
                recipient=reviewer,
                kind=Notification.Kind.REVIEW_ASSIGNED,
                title=gettext_lazy("Please review “%(title)s”"),
                body=gettext_lazy(
                    "You are asked to review a resource submitted to the library. Declare that you "
                    "have no conflict of interest with it before you give your decision."
                ),
                params={"title": resource.title},
                url=resource_path(resource.pk),
                source_key=f"review-assigned:{resource.pk}:{reviewer.pk}",
            )
        reviewers = [reviewer.username for reviewer in assigned_reviewers(resource)]
    return AssignmentOutcome(resource=resource, reviewers=reviewers, added=[reviewer.username for reviewer in added])


@dataclass(frozen=True)
class ReviewOutcome:
    review: Review
    resource: Resource
    decided: bool  # this review approved or rejected the resource


def review_submit(
    *, reviewer: User, resource_id: int, decision: Review.Decision, comment: str, no_conflict_of_interest: bool
) -> ReviewOutcome:
    """An assigned reviewer's decision on a resource in review, after declaring no conflict of interest.

    Refused: without the declaration (400); a resource the reviewer cannot see (404); the
    submitter's own (403, even if assigned somehow); a reviewer not assigned to it (403); a second
    review by the same reviewer (409); a resource not in review (409). Two approvals publish the
    resource, one rejection rejects it; then the submitter and the other assigned reviewers are
    told (``resource_decision``).

    Locks the resource row before reading anything else: of two reviews racing, the second sees the
    first (its approval counted, or the resource already decided), so the decision is made once.
    """
    if not no_conflict_of_interest:
        raise HubError(ErrorCode.INVALID, _("Declare that you have no conflict of interest with this resource."))
    with transaction.atomic():
        resource = resource_visible_for_update(user=reviewer, resource_id=resource_id)
        if resource.submitted_by_id == reviewer.pk:
            raise HubError(ErrorCode.FORBIDDEN, _("Nobody reviews their own submission."))
        standing = reviewer_standing(resource=resource, user=reviewer)
        if not standing.assigned:
            raise HubError(ErrorCode.FORBIDDEN, _("Only the reviewers assigned to this resource review it."))
        if standing.reviewed:
            raise HubError(ErrorCode.CONFLICT, _("You have reviewed this resource already."))
        if resource.status != Resource.Status.IN_REVIEW:
            raise HubError(ErrorCode.CONFLICT, _("This resource is not in review."))
        review = Review.objects.create(
            resource=resource, reviewer=reviewer, decision=decision, comment=comment, no_conflict_of_interest=True
        )
        decided = _decide_if_settled(resource, review)
        if decided:
            _announce_decision(resource, decided_by=reviewer)
    return ReviewOutcome(review=review, resource=resource, decided=decided)


def _decide_if_settled(resource: Resource, review: Review) -> bool:
    """Precondition: the resource row is locked and ``review`` is stored. True if it was decided now."""
    if review.decision == Review.Decision.REJECT:
        resource.status = Resource.Status.REJECTED
    elif approvals_of(resource) >= APPROVALS_TO_PUBLISH:
        resource.status = Resource.Status.APPROVED
    else:
        return False
    resource.decided_at = timezone.now()
    resource.save(update_fields=["status", "decided_at", "updated_at"])
    webhooks_resource_approved(resource=resource)
    return True


def _announce_decision(resource: Resource, *, decided_by: User) -> None:
    """Tell the submitter and every assigned reviewer but the one whose review decided (they saw it)."""
    approved = resource.status == Resource.Status.APPROVED
    params = {"title": resource.title}
    if resource.submitted_by is not None:
        notification_create(
            recipient=resource.submitted_by,
            kind=Notification.Kind.RESOURCE_DECISION,
            title=gettext_lazy("Your submission “%(title)s” is published")
            if approved
            else gettext_lazy("Your submission “%(title)s” was not accepted"),
            body=gettext_lazy("Two peer reviewers approved it: it is now in the library.")
            if approved
            else gettext_lazy("A peer reviewer turned it down. Their comments are with the resource."),
            params=params,
            url=resource_path(resource.pk),
            source_key=f"resource-decision:{resource.pk}:{resource.submitted_by.pk}",
        )
    for reviewer in assigned_reviewers(resource):
        if reviewer.pk == decided_by.pk:
            continue
        notification_create(
            recipient=reviewer,
            kind=Notification.Kind.RESOURCE_DECISION,
            title=gettext_lazy("“%(title)s”, which you were asked to review, is published")
            if approved
            else gettext_lazy("“%(title)s”, which you were asked to review, was rejected"),
            params=params,
            url=resource_path(resource.pk),
            source_key=f"resource-decision:{resource.pk}:{reviewer.pk}",
        )
