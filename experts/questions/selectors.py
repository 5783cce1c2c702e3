"""Reads about questions to experts: who to ask, open questions, answered counts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, FloatField, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from discussions.models import Space
from discussions.rendering import expert_group_name
from experts.models import Expert, ExpertAnswer, ExpertAsk, ExpertQuestion, ExpertReply
from experts.questions.relevance import question_words, relevance_expression
from gcm.names import OBJECTIVE_SHORT_TITLE, translated
from gcm.selectors import objectives_in_order

EXPERTS_PER_QUESTION = 25
FAIRNESS_WINDOW = timedelta(days=30)
# How long a question without an answer is shown as open on its objective's page.
OPEN_FOR = timedelta(days=30)


@dataclass(frozen=True)
class ChosenExpert:
    expert_id: int
    user_id: int
    relevance: float
    recent_asks: int


def experts_to_ask(
    *, objective_keys: Iterable[str], text: str, asker_id: int, now: datetime, limit: int = EXPERTS_PER_QUESTION
) -> list[ChosenExpert]:
    """Up to ``limit`` experts to ask, best first: tagged with one of ``objective_keys``, accepting
    contact, with an active account (the notification goes to it), not the asker.

    Order (relevance and fairness combined): by ``relevance / (1 + recent_asks)`` descending, then
    ``recent_asks`` ascending, then id. ``relevance`` is the profile's rank against the question's
    words (``experts.questions.relevance``: 0 when no word matches, else in (0, 1) on PostgreSQL,
    (0, 1) on SQLite); ``recent_asks`` how many questions the expert was chosen for in the last 30
    days. So an expert whose profile matches comes before one whose profile does not; among those
    that match, each question already asked of an expert divides their relevance (one asked twice
    needs three times the relevance to come first); among equals and among those that do not
    match, the least asked come first. One statement.
    """
    words = question_words(text)
    recent_asks = Coalesce(
        Subquery(
            ExpertAsk.objects.filter(expert=OuterRef("pk"), created_at__gt=now - FAIRNESS_WINDOW)
            .order_by()
            .values("expert")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    relevance = relevance_expression(words) if words else Value(0.0, output_field=FloatField())
    rows = (
        Expert.objects.filter(
            accepts_contact=True, user__is_active=True, objectives__overlaps=sorted(set(objective_keys))
        )
        .exclude(user_id=asker_id)
        .annotate(recent_asks=recent_asks, relevance=relevance)
        .annotate(score=F("relevance") / (F("recent_asks") + Value(1.0)))
        .order_by("-score", "recent_asks", "pk")
        .values_list("pk", "user_id", "relevance", "recent_asks")[:limit]
    )
    return [
        ChosenExpert(expert_id=pk, user_id=user_id, relevance=float(rank or 0.0), recent_asks=asks)
        for pk, user_id, rank, asks in rows
    ]


def questions_answered_count(expert_id: int) -> int:
    """How many questions the expert answered (in a space or privately), each counted once."""
    return ExpertAnswer.objects.filter(expert_id=expert_id).count()


def questions_answered_counts(expert_ids: Iterable[int]) -> dict[int, int]:
    """``questions_answered_count`` of many experts in one query (absent: 0)."""
    rows = (
        ExpertAnswer.objects.filter(expert_id__in=list(expert_ids))
        .order_by()
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    return dict(rows)


def open_questions(*, objective_key: str, now: datetime, limit: int = 5) -> QuerySet[ExpertQuestion]:
    """Questions waiting for an expert on this objective's page: asked in a public space in the last
    30 days, the message not deleted, and no expert answered yet; newest first, with what the
    page shows (the message, its space and author) joined."""
    answered = ExpertAnswer.objects.filter(question=OuterRef("pk"))
    return (
        ExpertQuestion.objects.filter(
            objectives__overlaps=[objective_key],
            created_at__gt=now - OPEN_FOR,
            message__deleted=False,
            message__space__visibility=Space.Visibility.PUBLIC,
        )
        .exclude(Exists(answered))
        .select_related("message__space", "message__author")
        .order_by("-created_at", "-pk")[:limit]
    )


def question_asked_of(*, question_id: int, user_id: int) -> ExpertAsk | None:
    """The ask of ``user_id``'s expert profile for this question (with the question, its message,
    space and asker joined), or None when they were not asked."""
    return (
        ExpertAsk.objects.select_related("expert__user", "question__message__space", "question__asker")
        .filter(question_id=question_id, expert__user_id=user_id)
        .first()
    )


@dataclass(frozen=True)
class ExpertGroup:
    """A mentionable group of experts: ``@objective-9-experts`` (``objective`` "9") or ``@general-experts``."""

    name: str
    objective: str
    label: str  # the objective's short title in the active language


def expert_groups(*, contains: str = "") -> list[ExpertGroup]:
    """Every objective's group in the objectives' order (one query), those whose name or label
    contains ``contains`` (any case) when given."""
    needle = contains.strip().lstrip("@").casefold()
    groups = [
        ExpertGroup(
            name=expert_group_name(objective.key),
            objective=objective.key,
            label=translated(OBJECTIVE_SHORT_TITLE, objective.short_title),
        )
        for objective in objectives_in_order()
    ]
    return [group for group in groups if needle in group.name or needle in group.label.casefold()]


def unnotified_question_ids(*, older_than: timedelta, newer_than: timedelta, now: datetime) -> list[int]:
    """Questions whose experts were never told although their task should have run (the broker
    was down at the commit, or the task's retries ran out): asked between ``newer_than`` and
    ``older_than`` ago."""
    return list(
        ExpertQuestion.objects.filter(
            notified_at=None, created_at__lt=now - older_than, created_at__gt=now - newer_than
        ).values_list("pk", flat=True)
    )


def recent_asks_of(expert_id: int, *, limit: int = 10) -> list[ExpertAsk]:
    """The questions most recently put to the expert (their own profile page lists them), with the
    message and its space joined."""
    return list(
        ExpertAsk.objects.filter(expert_id=expert_id, question__message__deleted=False)
        .select_related("question__message__space")
        .order_by("-created_at", "-pk")[:limit]
    )


def replies_of(*, question_id: int, expert_id: int) -> list[ExpertReply]:
    return list(ExpertReply.objects.filter(question_id=question_id, expert_id=expert_id).order_by("created_at", "pk"))
