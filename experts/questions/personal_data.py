"""Questions to experts in the data-rights registry (``accounts.personal_data``); imported by
``experts.personal_data``, the app's module the registry discovers.

Export: the questions the user asked (which message, which groups, how many experts were asked and
answered), the questions they were asked as an expert (and whether they answered), the private
replies they wrote as an expert, and the private replies experts wrote to them.

Erasure: the notifications that name the user (experts told of their questions; askers told of their
private replies as an expert) say "Deleted user" instead; the user's questions are deleted, and with
them the record of whom they were put to (``ExpertAsk``), the answers counted for them and the
private replies to them (written to this user: their correspondence). The messages themselves stay,
as every message does (shown as a deleted user: ``discussions.personal_data``). What the user did as
an expert (asks, answers, replies) goes with their expert profile, which ``experts.personal_data``
deletes (the rows cascade).
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export
from discussions.models import Message
from experts.models import Expert, ExpertAnswer, ExpertAsk, ExpertQuestion, ExpertReply
from experts.questions.services import QUESTION_SOURCE_PREFIX, REPLY_SOURCE_PREFIX
from notifications.personal_data import notifications_rename_author, source_keys_of


def questions_asked_items(user: User) -> Iterator[Mapping[str, Any]]:
    questions = (
        ExpertQuestion.objects.filter(asker=user)
        .select_related("message__space")
        .annotate(experts_asked=Count("asks", distinct=True), answers_count=Count("answers", distinct=True))
        .order_by("pk")
    )
    for question in questions.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "space": question.message.space.slug,
            "seq": question.message.seq,
            "groups": question.groups,
            "created_at": iso(question.created_at),
            "experts_asked": question.experts_asked,
            "answers": question.answers_count,
        }


def questions_received_items(user: User) -> Iterator[Mapping[str, Any]]:
    asks = ExpertAsk.objects.filter(expert__user=user).select_related("question__message__space").order_by("pk")
    answered = dict(ExpertAnswer.objects.filter(expert__user=user).values_list("question_id", "via"))
    for ask in asks.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        message = ask.question.message
        yield {
            "space": message.space.slug,
            "seq": message.seq,
            "asked_at": iso(ask.created_at),
            "answered": answered.get(ask.question_id),
        }


def replies_sent_items(user: User) -> Iterator[Mapping[str, Any]]:
    replies = ExpertReply.objects.filter(expert__user=user).select_related("question__message__space").order_by("pk")
    for reply in replies.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        message = reply.question.message
        yield {
            "space": message.space.slug,
            "seq": message.seq,
            "message": reply.message,
            "created_at": iso(reply.created_at),
            "relayed_at": iso(reply.relayed_at),
        }


def replies_received_items(user: User) -> Iterator[Mapping[str, Any]]:
    replies = (
        ExpertReply.objects.filter(question__asker=user)
        .select_related("expert", "question__message__space")
        .order_by("pk")
    )
    for reply in replies.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        message = reply.question.message
        yield {
            "expert": reply.expert_id,
            "expert_name": reply.expert.name,
            "space": message.space.slug,
            "seq": message.seq,
            "message": reply.message,
            "created_at": iso(reply.created_at),
        }


def questions_erase(user: User) -> None:
    # The experts' notifications of the user's questions name the user ("Karim asks the experts"),
    # and the askers' notifications of the user's private replies name the user's expert profile:
    # both become "Deleted user". (Runs before ``experts_erase`` deletes the profile.)
    notifications_rename_author(
        source_keys=source_keys_of(QUESTION_SOURCE_PREFIX, Message.objects.filter(expert_question__asker=user)),
        old=user.shown_name,
        new=None,
    )
    expert = Expert.objects.filter(user=user).first()
    if expert is not None:
        notifications_rename_author(
            source_keys=source_keys_of(REPLY_SOURCE_PREFIX, ExpertReply.objects.filter(expert=expert)),
            old=expert.name,
            new=None,
        )
    # Asks, answers and replies of these questions cascade in the same statement.
    ExpertQuestion.objects.filter(asker=user).delete()


_WHERE = {
    "space": _("The space the question was asked in (its slug)."),
    "seq": _("The question's message number in that space."),
}

register_export(
    "expert_questions_asked",
    items=questions_asked_items,
    description=_("The messages in which you asked an objective's experts (@objective-N-experts)."),
    fields={
        **_WHERE,
        "groups": _("The expert groups the message mentioned."),
        "created_at": _("When you asked."),
        "experts_asked": _("How many experts the Hub asked."),
        "answers": _("How many experts answered."),
    },
    order=28,
)
register_export(
    "expert_questions_received",
    items=questions_received_items,
    description=_("The questions the Hub put to you as an expert."),
    fields={
        **_WHERE,
        "asked_at": _("When you were asked."),
        "answered": _('How you answered: "space", "private", or null.'),
    },
    order=29,
)
register_export(
    "expert_replies_sent",
    items=replies_sent_items,
    description=_("Your private replies, as an expert, to questions you were asked."),
    fields={
        **_WHERE,
        "message": _("Your reply."),
        "created_at": _("When you wrote it."),
        "relayed_at": _("When it was emailed to the person who asked, or null."),
    },
    order=29,
)
register_export(
    "expert_replies_received",
    items=replies_received_items,
    description=_("Private replies experts wrote to your questions."),
    fields={
        "expert": _("The expert's profile number."),
        "expert_name": _("The expert's name as shown on their public profile."),
        **_WHERE,
        "message": _("Their reply."),
        "created_at": _("When they wrote it."),
    },
    order=29,
)
register_eraser("expert_questions", erase=questions_erase, handles=["experts.ExpertQuestion.asker"], order=19)
