"""The REST bodies of questions to experts (shapes in ``experts.questions.api``)."""

from typing import TypedDict

from experts.models import ExpertReply
from experts.payloads.experts import iso
from experts.questions.selectors import ExpertGroup


class ExpertGroupPayload(TypedDict):
    name: str
    objective: str
    title: str


class ExpertGroupListPayload(TypedDict):
    results: list[ExpertGroupPayload]


class ReplyAcceptedPayload(TypedDict):
    id: int
    created_at: str


def expert_groups_payload(groups: list[ExpertGroup]) -> ExpertGroupListPayload:
    return {"results": [{"name": group.name, "objective": group.objective, "title": group.label} for group in groups]}


def reply_accepted_payload(reply: ExpertReply) -> ReplyAcceptedPayload:
    return {"id": reply.pk, "created_at": iso(reply.created_at)}
