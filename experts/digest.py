"""The digest's "Approved resources" section: resources approved in the reader's period, under
each objective they are tagged with that the reader follows (``notifications.digest_sections``).

One query per batch of readers: the resources approved since the batch's earliest reader, tagged
with any objective someone in the batch follows, newest first (at most ``RESOURCES_PER_BATCH``).
A reader's own submissions are left out (they were told of the decision already).
"""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from experts.models import Resource
from experts.questions import digest as experts_questions_digest
from notifications.digest_sections import DigestBatch, DigestItem, SectionItems, register_digest_section

RESOURCES_PER_BATCH = 500


def approved_resources_section(batch: DigestBatch) -> SectionItems:
    resources = (
        Resource.objects.filter(
            status=Resource.Status.APPROVED,
            decided_at__gt=batch.earliest,
            decided_at__lte=batch.until,
            objectives__overlaps=sorted(batch.objectives),
        )
        .order_by("-decided_at", "-pk")
        .values_list("pk", "title", "kind", "objectives", "decided_at", "submitted_by_id")[:RESOURCES_PER_BATCH]
    )
    kinds = dict(Resource.Kind.choices)
    found: defaultdict[tuple[int, str], list[DigestItem]] = defaultdict(list)
    for pk, title, kind, objectives, decided_at, submitted_by_id in resources:
        item = DigestItem(title=title, url=reverse("experts:resource", args=[pk]), detail=kinds.get(kind, ""))
        for reader in batch.followers(objectives):
            if decided_at is not None and decided_at > reader.since and reader.user_id != submitted_by_id:
                for key in reader.objectives.intersection(objectives):
                    found[reader.user_id, key].append(item)
    return found


register_digest_section(
    "approved_resources", title=_("Approved resources"), provider=approved_resources_section, order=10
)

# Open questions to experts (experts.questions): registered with the app's other digest sections.
experts_questions_digest.register()
