"""Reads for the experts app's pages that the API does not need: the objective page's sections and
counters, and the taxonomy labels the search pages show beside each facet value.

Each function makes a fixed number of queries whatever the data (one, unless it says otherwise),
so a page that calls them stays constant in queries.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.callers import Caller
from accounts.models import User
from experts.models import Expert, Resource, ReviewAssignment
from experts.selectors.resources import resources_visible_to
from gcm import selectors as gcm_selectors

# How many approved resources of each kind, and experts, an objective page lists before "See all".
OBJECTIVE_SECTION_SIZE = 5
OBJECTIVE_SECTION_EXPERTS = 5


def approved_resource_counts_by_kind(objective_key: str) -> dict[str, int]:
    """Approved resources tagged with the objective, per kind; every kind present (0 when none)."""
    rows = (
        Resource.objects.filter(status=Resource.Status.APPROVED, objectives__overlaps=[objective_key])
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Resource.Kind.values, 0)
    counts.update({kind: n for kind, n in rows})
    return counts


def expert_count(objective_key: str) -> int:
    return Expert.objects.filter(objectives__overlaps=[objective_key]).count()


def latest_approved_resources(objective_key: str, kind: str, *, limit: int = OBJECTIVE_SECTION_SIZE) -> list[Resource]:
    """The newest approved resources of one kind tagged with the objective (newest publication first)."""
    return list(
        Resource.objects.filter(status=Resource.Status.APPROVED, kind=kind, objectives__overlaps=[objective_key])
        .select_related("document_type")
        .order_by("-publication_date", "-decided_at", "-pk")[:limit]
    )


def featured_experts(objective_key: str, *, limit: int = OBJECTIVE_SECTION_EXPERTS) -> list[Expert]:
    """A few experts on the objective: verified profiles first, then the most recently updated."""
    return list(
        Expert.objects.filter(objectives__overlaps=[objective_key]).order_by("-verified", "-updated_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class Labels:
    """Value → label for every facet the experts and resources pages show, in display order."""

    objective: dict[str, str]
    principle: dict[str, str]
    region: dict[str, str]
    country: dict[str, str]
    language: dict[str, str]
    document_type: dict[str, str]

    def of(self, facet: str) -> dict[str, str]:
        labels: dict[str, str] = getattr(self, facet)
        return labels


def taxonomy_labels(*, document_types: bool = False) -> Labels:
    """The taxonomy's labels in the request's language: five queries, six with document types."""
    return Labels(
        objective=gcm_selectors.objective_labels(),
        principle=gcm_selectors.principle_labels(),
        region=gcm_selectors.region_labels(),
        country=gcm_selectors.country_labels(),
        language=gcm_selectors.language_labels(),
        document_type=gcm_selectors.document_type_labels() if document_types else {},
    )


def expert_of_user(user: User) -> Expert | None:
    """The user's own profile, if they have one."""
    return Expert.objects.filter(user=user).first()


def review_queue() -> QuerySet[Resource]:
    """What staff still have to see through review: submitted and in-review resources, oldest first,
    each with its submitter and its assignments' reviewers (three queries however long)."""
    return (
        Resource.objects.filter(status__in=[Resource.Status.SUBMITTED, Resource.Status.IN_REVIEW])
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer").order_by("assigned_at", "pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def library_visible_to(user: Caller) -> QuerySet[Resource]:
    """What the library page lists: approved resources and, for their submitter, their own
    submissions in any state (as the API's list). Narrower than ``resources_visible_to``, which also
    lets staff and assigned reviewers open pending resources: those reach them through peer review."""
    visible = resources_visible_to(user)
    if not user.is_authenticated:
        return visible
    return visible.filter(Q(status=Resource.Status.APPROVED) | Q(submitted_by=user))
