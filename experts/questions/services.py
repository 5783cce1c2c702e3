"""Writes about questions to experts: recording a question and its answers with the message that
carries them, telling the chosen experts (a Celery task, after commit), and an expert's private
reply relayed to the asker.
"""

import logging
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from discussions.models import Message, Space
from discussions.rendering import expert_group_objective
from experts.models import Expert, ExpertAnswer, ExpertAsk, ExpertQuestion, ExpertReply
from experts.questions.selectors import experts_to_ask, question_asked_of
from hub.errors import ErrorCode, HubError
from notifications.bulk import notifications_create_many
from notifications.models import Notification
from notifications.services import language_of, notification_create
from notifications.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 300
REPLY_MAX_CHARS = 5_000
REPLIES_PER_ASK = 3
RELAY_SUBJECT_PREFIX = "[Migration Network Hub]"


# The notifications' ``source_key``s: "expert-question:<message id>" (one per expert and message,
# whatever the retries) and "expert-reply:<reply id>".
QUESTION_SOURCE_PREFIX = "expert-question:"
REPLY_SOURCE_PREFIX = "expert-reply:"


def question_source_key(message_id: int) -> str:
    return f"{QUESTION_SOURCE_PREFIX}{message_id}"


def _literal(text: str) -> str:
    """User content as a notification body filled from params: its own ``%`` signs kept as written."""
    return text.replace("%", "%%")


def message_url(space_slug: str, seq: int) -> str:
    """The question's message on its space's page (where the notification and the digest link)."""
    return reverse("discussions:space", args=[space_slug]) + f"#m{seq}"


def expert_questions_record(*, messages: list[Message]) -> list[ExpertQuestion]:
    """A question for each of ``messages`` whose ``mentions`` name an expert group, and after the
    commit a task per question that chooses and tells its experts.

    Precondition: inside the posting transaction, the messages stored, each asker's daily limit
    checked (``experts.questions.limits``). Costs nothing for messages that name no group.
    """
    questions = []
    for message in messages:
        groups = [name for name in message.mentions if expert_group_objective(name) is not None]
        if groups:
            objectives = [key for name in groups if (key := expert_group_objective(name)) is not None]
            questions.append(
                ExpertQuestion(
                    message=message,
                    asker_id=message.author_id,
                    groups=groups,
                    objectives=objectives,
                    created_at=message.created_at,
                )
            )
    if not questions:
        return []
    created = ExpertQuestion.objects.bulk_create(questions)
    question_ids = [question.pk for question in created]

    def enqueue() -> None:  # a function, not a partial: Django names a failed robust callback by it
        from experts.tasks import expert_question_notify_task  # the tasks module imports this one

        for question_id in question_ids:
            expert_question_notify_task.delay(question_id)

    # Robust: with the broker down the message stands; the sweep (``unnotified_question_ids``) tells later.
    transaction.on_commit(enqueue, robust=True)
    return created


def expert_answers_record(*, space: Space, messages: list[Message]) -> int:
    """A reply by an expert to a question's message is their answer (one per expert and question;
    the asker's own replies are not answers). Returns how many answers were new.

    Precondition: inside the posting transaction, ``messages`` stored. No query for a batch
    without replies, one for replies to messages that asked nothing.
    """
    replies = [message for message in messages if message.reply_to_seq is not None]
    if not replies:
        return 0
    questions = {
        seq: (question_id, asker_id)
        for question_id, seq, asker_id in ExpertQuestion.objects.filter(
            message__space_id=space.pk, message__seq__in={message.reply_to_seq for message in replies}
        ).values_list("pk", "message__seq", "asker_id")
    }
    answering = [message for message in replies if message.reply_to_seq in questions]
    if not answering:
        return 0
    expert_of = dict(
        Expert.objects.filter(user_id__in={message.author_id for message in answering}).values_list("user_id", "pk")
    )
    answers: dict[tuple[int, int], ExpertAnswer] = {}
    for message in answering:
        question_id, asker_id = questions[message.reply_to_seq]  # type: ignore[index]
        expert_id = expert_of.get(message.author_id)
        if expert_id is not None and message.author_id != asker_id:
            answers.setdefault(
                (question_id, expert_id),
                ExpertAnswer(
                    question_id=question_id,
                    expert_id=expert_id,
                    via=ExpertAnswer.Via.SPACE,
                    created_at=message.created_at,
                ),
            )
    if not answers:
        return 0
    created = ExpertAnswer.objects.bulk_create(list(answers.values()), ignore_conflicts=True)
    return len(created)


def expert_question_notify(*, question_id: int) -> int:
    """Choose the question's experts (``experts_to_ask``), record them and tell them, once: the
    question's row is locked and ``notified_at`` set in the same transaction as the asks and the
    notifications, so a task run twice (a retry, a redelivery, the sweep) finds it told and does
    nothing, and a task that dies leaves nothing half done. The notifications are unique per
    (expert, kind, message) besides. Returns how many experts were asked.
    """
    with transaction.atomic():
        question = (
            ExpertQuestion.objects.select_for_update(of=("self",))
            .select_related("message__space", "message__author")
            .filter(pk=question_id, notified_at=None)
            .first()
        )
        if question is None:
            return 0
        now = timezone.now()
        message = question.message
        chosen = (
            []
            if message.deleted
            else experts_to_ask(
                objective_keys=question.objectives, text=message.body, asker_id=question.asker_id, now=now
            )
        )
        ExpertAsk.objects.bulk_create(
            [
                ExpertAsk(
                    question=question,
                    expert_id=expert.expert_id,
                    position=position,
                    relevance=expert.relevance,
                    recent_asks=expert.recent_asks,
                    created_at=now,
                )
                for position, expert in enumerate(chosen, start=1)
            ]
        )
        if chosen:
            space = message.space
            notifications_create_many(
                [expert.user_id for expert in chosen],
                kind=Notification.Kind.EXPERT_QUESTION,
                title=gettext_lazy("%(author)s asks the experts (%(groups)s) in %(space)s"),
                params={
                    "author": message.author.shown_name,
                    "groups": ", ".join(f"@{name}" for name in question.groups),
                    "space": space.name,
                },
                body=_literal(Truncator(message.body).chars(EXCERPT_CHARS)),
                # The message itself; in a private space (which an expert may not be able to read)
                # the question's page, which shows it to the experts it was put to.
                url=(
                    reverse("experts:question", args=[question.pk])
                    if space.is_private
                    else message_url(space.slug, message.seq)
                ),
                source_key=question_source_key(message.pk),
            )
        question.notified_at = now
        question.save(update_fields=["notified_at"])
    return len(chosen)


def expert_question_reply(*, question_id: int, user: User, message: str) -> ExpertReply:
    """An asked expert's private reply: recorded (an answer, if their first), shown in the asker's
    notifications, and relayed by email to the asker after commit (``expert_reply_relay``).

    Refused: ``user`` was not asked this question (404, as if there were no question), an empty
    or too long message (400), more than ``REPLIES_PER_ASK`` replies to one question (429).
    The asker's address appears in no response: only the relay, sent to the asker, carries it.
    """
    text = message.strip()
    if not text or "\x00" in text:
        raise HubError(ErrorCode.INVALID, _("Write a reply."))
    if len(text) > REPLY_MAX_CHARS:
        raise HubError(ErrorCode.INVALID, _("A reply may be at most %(n)d characters.") % {"n": REPLY_MAX_CHARS})
    with transaction.atomic():
        ask = question_asked_of(question_id=question_id, user_id=user.pk)
        if ask is None:
            raise HubError(ErrorCode.NOT_FOUND, _("No such question."))
        # The expert's row lock orders their parallel replies, so the per-question limit is exact.
        list(Expert.objects.select_for_update().filter(pk=ask.expert_id).values_list("pk", flat=True))
        if ExpertReply.objects.filter(question_id=question_id, expert_id=ask.expert_id).count() >= REPLIES_PER_ASK:
            raise HubError(
                ErrorCode.RATE_LIMITED,
                _("You have replied %(n)d times to this question.") % {"n": REPLIES_PER_ASK},
            )
        question, expert = ask.question, ask.expert
        reply = ExpertReply.objects.create(question=question, expert=expert, message=text)
        ExpertAnswer.objects.bulk_create(
            [ExpertAnswer(question=question, expert=expert, via=ExpertAnswer.Via.PRIVATE, created_at=reply.created_at)],
            ignore_conflicts=True,
        )
        notification_create(
            recipient=question.asker,
            kind=Notification.Kind.EXPERT_QUESTION,
            title=gettext_lazy("%(expert)s answered your question privately"),
            params={"expert": expert.name},
            body=_literal(Truncator(text).chars(EXCERPT_CHARS)),
            url=reverse("experts:profile", args=[expert.pk]),
            source_key=f"{REPLY_SOURCE_PREFIX}{reply.pk}",
            email=False,  # the relay is the email
        )
        reply_id = reply.pk

        def enqueue() -> None:
            from experts.tasks import expert_reply_relay_task  # the tasks module imports this one

            expert_reply_relay_task.delay(reply_id)

        transaction.on_commit(enqueue, robust=True)
    return reply


def expert_reply_relay(*, reply_id: int) -> bool:
    """Email one private reply to the asker, at most once (claimed before sending, released on a
    failure that may pass, as ``experts.services.contact.contact_relay`` does); True when sent."""
    claimed = ExpertReply.objects.filter(pk=reply_id, relayed_at=None).update(relayed_at=timezone.now())
    if claimed != 1:
        return False
    reply = ExpertReply.objects.select_related("expert", "question__asker", "question__message__space").get(pk=reply_id)
    if not reply.question.asker.email:
        return False  # the notification in the Hub is all the asker gets
    try:
        reply_email(reply).send()
    except SMTPRecipientsRefused as refused:
        if all(code >= 500 for code, _reason in refused.recipients.values()):
            logger.warning("question reply %s: the asker's address was refused for good: %s", reply_id, refused)
            return False
        ExpertReply.objects.filter(pk=reply_id).update(relayed_at=None)
        raise
    except Exception:
        ExpertReply.objects.filter(pk=reply_id).update(relayed_at=None)
        raise
    return True


def reply_email(reply: ExpertReply) -> EmailMessage:
    """The relay of a private reply: to the asker, ``Reply-To`` the expert (who chose to answer
    privately), in the asker's language, with the one-click unsubscribe of the asker's emails."""
    asker, expert, message = reply.question.asker, reply.expert, reply.question.message
    unsubscribe = unsubscribe_url(user_id=asker.pk)
    context = {
        "asker_name": asker.shown_name,
        "expert_name": expert.name,
        "reply": reply,
        "question_excerpt": Truncator(message.body).chars(EXCERPT_CHARS),
        "question_url": settings.SITE_URL + message_url(message.space.slug, message.seq),
        "profile_url": settings.SITE_URL + reverse("experts:profile", args=[expert.pk]),
        "unsubscribe_url": unsubscribe,
    }
    with translation.override(language_of(asker)):
        subject = _("%(expert)s answered your question") % {"expert": expert.name}
        body = render_to_string("experts/email/question_reply.txt", context)
    return EmailMessage(
        subject=" ".join(f"{RELAY_SUBJECT_PREFIX} {subject}".split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[asker.email],
        reply_to=[expert.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
