"""Background work of the experts app: relaying contacts by email, telling the experts a question
was asked of, relaying their private replies. Thin: each task calls a service."""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from experts.questions.selectors import unnotified_question_ids
from experts.questions.services import expert_question_notify, expert_reply_relay
from experts.selectors.experts import unrelayed_contact_ids
from experts.services.contact import contact_relay

# The sweep leaves recent contacts to the task queued at their commit, and gives up after a day.
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_GIVE_UP_AFTER = timedelta(days=1)


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def expert_contact_relay(contact_id: int) -> bool:
    """Email one contact to its expert (at most once: see ``contact_relay``)."""
    return contact_relay(contact_id=contact_id)


@shared_task
def expert_contact_relay_sweep() -> int:
    """Queue the relays whose task was lost (the broker was down at commit, or retries ran out)."""
    contact_ids = unrelayed_contact_ids(older_than=SWEEP_AFTER, newer_than=SWEEP_GIVE_UP_AFTER)
    for contact_id in contact_ids:
        expert_contact_relay.delay(contact_id)
    return len(contact_ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=300, max_retries=8)
def expert_question_notify_task(question_id: int) -> int:
    """Choose and tell a question's experts, once (safe to run twice: see ``expert_question_notify``)."""
    return expert_question_notify(question_id=question_id)


@shared_task
def expert_question_notify_sweep() -> int:
    """Queue the questions whose task was lost (beat, every few minutes)."""
    question_ids = unnotified_question_ids(older_than=SWEEP_AFTER, newer_than=SWEEP_GIVE_UP_AFTER, now=timezone.now())
    for question_id in question_ids:
        expert_question_notify_task.delay(question_id)
    return len(question_ids)


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def expert_reply_relay_task(reply_id: int) -> bool:
    """Email an expert's private reply to the asker (at most once: see ``expert_reply_relay``)."""
    return expert_reply_relay(reply_id=reply_id)
