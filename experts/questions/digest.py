"""The digest's "Open questions to experts" section (``notifications.digest_sections``): questions
asked in the reader's period of an objective they follow, in a public space, that no expert has
answered yet (still waiting when the digest is made), newest first. The reader's own questions are
left out. One query per batch of readers. Registered from ``experts.digest`` (the app's digest module).
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from discussions.models import Space
from experts.models import ExpertAnswer, ExpertQuestion
from experts.questions.services import message_url
from notifications.digest_sections import DigestBatch, DigestItem, SectionItems, register_digest_section

QUESTIONS_PER_BATCH = 500
TITLE_CHARS = 120


def open_questions_section(batch: DigestBatch) -> SectionItems:
    questions = (
        ExpertQuestion.objects.filter(
            created_at__gt=batch.earliest,
            created_at__lte=batch.until,
            objectives__overlaps=sorted(batch.objectives),
            message__deleted=False,
            message__space__visibility=Space.Visibility.PUBLIC,
        )
        .exclude(Exists(ExpertAnswer.objects.filter(question=OuterRef("pk"))))
        .order_by("-created_at", "-pk")
        .values_list(
            "objectives", "created_at", "asker_id", "message__body", "message__seq", "message__space__slug",
            "message__space__name",
        )[:QUESTIONS_PER_BATCH]
    )  # fmt: skip
    found: defaultdict[tuple[int, str], list[DigestItem]] = defaultdict(list)
    for objectives, created_at, asker_id, body, seq, slug, space_name in questions:
        item = DigestItem(
            title=Truncator(" ".join(body.split())).chars(TITLE_CHARS),
            url=message_url(slug, seq),
            detail=_("Asked in %(space)s"),
            params={"space": space_name},
            when=created_at,
        )
        for reader in batch.followers(objectives):
            if created_at > reader.since and reader.user_id != asker_id:
                for key in reader.objectives.intersection(objectives):
                    found[reader.user_id, key].append(item)
    return found


def register() -> None:
    register_digest_section(
        "open_expert_questions",
        title=_("Open questions to experts"),
        provider=open_questions_section,
        order=40,
    )
