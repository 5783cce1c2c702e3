"""Who may see which resource: the one place the library's visibility rule is written.

A resource is seen by everyone once approved; before that (and after a rejection) only by the
person who submitted it, the reviewers assigned to it, and staff. Everything that shows a
resource (the list, its detail, its reviews, the review and assignment services) starts from
``resources_visible_to``, so a pending submission is never revealed: to anyone else it does not
exist (404, never 403).
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.callers import Caller
from experts.models import Resource, ReviewAssignment, Reviewer
from hub.errors import ErrorCode, HubError


def resources_visible_to(user: Caller) -> QuerySet[Resource]:
    """The resources ``user`` may see, with what the payload shows (the submitter) joined."""
    queryset = Resource.objects.select_related("submitted_by")
    if not user.is_authenticated:
        return queryset.filter(status=Resource.Status.APPROVED)
    if user.is_staff:
        return queryset
    # A subquery rather than a join: a join through the assignments would repeat rows.
    assigned = ReviewAssignment.objects.filter(reviewer=user).values("resource_id")
    return queryset.filter(Q(status=Resource.Status.APPROVED) | Q(submitted_by=user) | Q(pk__in=assigned))


def resource_visible(*, user: Caller, resource_id: int) -> Resource:
    """The resource if ``user`` may see it; 404 ``not_found`` for one that does not exist or is hidden."""
    resource = resources_visible_to(user).filter(pk=resource_id).first()
    if resource is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such resource."))
    return resource


def may_filter_by_status(user: Caller) -> bool:
    """Staff and roster reviewers may ask for resources by review status (others see approved ones only)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or Reviewer.objects.filter(user=user).exists()
