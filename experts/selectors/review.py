"""Reads of the Peer Review Roster, its applications, review assignments and reviews.

Who may read a resource's reviews (``resource_reviews_for``), decided here once:

- staff: every review, with the reviewers' usernames;
- an assigned reviewer: every review with the usernames, once they have given their own or the
  resource is decided; before that none (each judgment is made without seeing the others);
- the submitter: every review once the resource is decided, *without* the reviewers' usernames
  (the roster reviews blind, so that a reviewer can reject without being pressed); 403 before;
- anyone else who can see the resource: 403; anyone who cannot: 404, as for the resource itself.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from experts.models import Resource, Review, ReviewAssignment, Reviewer, ReviewerApplication
from experts.selectors.resources import resource_visible, resources_visible_to
from hub.errors import ErrorCode, HubError

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DECIDED = (Resource.Status.APPROVED, Resource.Status.REJECTED)


class OwnDecision(TypedDict):
    decision: str | None
    reviewed: bool


ReviewAssignmentWithDecision: TypeAlias = "WithAnnotations[ReviewAssignment, OwnDecision]"


def is_on_roster(user: User) -> bool:
    return Reviewer.objects.filter(user=user).exists()


def pending_application_exists(user: User) -> bool:
    return ReviewerApplication.objects.filter(user=user, status=ReviewerApplication.Status.PENDING).exists()


def reviewer_applications_visible_to(user: User, *, status: str | None = None) -> QuerySet[ReviewerApplication]:
    """Staff see every application, anyone else their own; newest first."""
    queryset = ReviewerApplication.objects.select_related("user", "decided_by").order_by("-created_at", "-pk")
    if not user.is_staff:
        queryset = queryset.filter(user=user)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass(frozen=True)
class RosterLookup:
    """Usernames resolved for an assignment: the roster members named, and the names that are not one."""

    reviewers: list[User]
    not_on_roster: list[str]


def roster_members_named(usernames: list[str]) -> RosterLookup:
    """Active users on the roster named in ``usernames`` (any case), in the order given, without repeats."""
    any_of = Q()
    for name in usernames:
        any_of |= Q(username__iexact=name)
    found = {
        user.username.casefold(): user for user in User.objects.filter(any_of, is_active=True, reviewer__isnull=False)
    }
    reviewers: dict[int, User] = {}
    missing: list[str] = []
    for name in usernames:
        user = found.get(name.casefold())
        if user is None:
            missing.append(name)
        else:
            reviewers.setdefault(user.pk, user)
    return RosterLookup(reviewers=list(reviewers.values()), not_on_roster=list(dict.fromkeys(missing)))


def assigned_reviewers(resource: Resource) -> list[User]:
    """The users assigned to review ``resource``, in the order they were assigned."""
    return [
        assignment.reviewer
        for assignment in ReviewAssignment.objects.filter(resource=resource)
        .select_related("reviewer")
        .order_by("assigned_at", "pk")
    ]


@dataclass(frozen=True)
class ReviewerStanding:
    assigned: bool
    reviewed: bool


def reviewer_standing(*, resource: Resource, user: User) -> ReviewerStanding:
    """Whether ``user`` is assigned to ``resource`` and has reviewed it (one query)."""
    facts = (
        User.objects.filter(pk=user.pk)
        .annotate(
            assigned=Exists(ReviewAssignment.objects.filter(resource=resource, reviewer=user)),
            reviewed=Exists(Review.objects.filter(resource=resource, reviewer=user)),
        )
        .values("assigned", "reviewed")
        .get()
    )
    return ReviewerStanding(assigned=bool(facts["assigned"]), reviewed=bool(facts["reviewed"]))


def approvals_of(resource: Resource) -> int:
    return Review.objects.filter(resource=resource, decision=Review.Decision.APPROVE).count()


def resource_visible_for_update(*, user: User, resource_id: int) -> Resource:
    """``resource_visible``, with the resource row locked. Call inside ``transaction.atomic``."""
    # of=self: the submitter is joined through a nullable key, and PostgreSQL locks no outer join's null side.
    resource = resources_visible_to(user).select_for_update(of=("self",)).filter(pk=resource_id).first()
    if resource is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such resource."))
    return resource


@dataclass(frozen=True)
class ReviewListing:
    """The reviews of a resource that a caller may read, and whether they may know who wrote them."""

    reviews: QuerySet[Review]
    reviewers_shown: bool


def resource_reviews_for(*, user: User, resource_id: int) -> ReviewListing:
    """The rules are in this module's docstring."""
    resource = resource_visible(user=user, resource_id=resource_id)
    reviews = Review.objects.filter(resource=resource).select_related("reviewer").order_by("created_at", "pk")
    decided = resource.status in DECIDED
    if user.is_staff:
        return ReviewListing(reviews=reviews, reviewers_shown=True)
    if resource.submitted_by_id == user.pk:
        if not decided:
            raise HubError(ErrorCode.FORBIDDEN, _("The reviews are shared with you once a decision is made."))
        return ReviewListing(reviews=reviews, reviewers_shown=False)
    standing = reviewer_standing(resource=resource, user=user)
    if not standing.assigned:
        raise HubError(ErrorCode.FORBIDDEN, _("Only staff and the assigned reviewers read the reviews."))
    if decided or standing.reviewed:
        return ReviewListing(reviews=reviews, reviewers_shown=True)
    return ReviewListing(reviews=reviews.none(), reviewers_shown=True)


def review_assignments_of(user: User) -> "QuerySet[ReviewAssignmentWithDecision]":
    """``user``'s review assignments with the resource, its submitter and ``user``'s own decision (null
    until they review): the ones still waiting for their review first, then the newest."""
    own = Review.objects.filter(resource=OuterRef("resource"), reviewer=user).values("decision")[:1]
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("resource__submitted_by")
        .annotate(decision=Subquery(own), reviewed=Exists(own))
        .order_by("reviewed", "-assigned_at", "-pk")
    )
