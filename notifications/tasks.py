"""Celery tasks for notifications: thin, take ids, safe to run twice (``notifications.delivery``,
``notifications.message_emails``, ``notifications.digest``)."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from notifications.delivery import email_deliveries_send, email_deliveries_sweep
from notifications.digest import digests_chunks, digests_send
from notifications.message_emails import message_emails_send, message_emails_sweep


@shared_task
def send_notification_emails(delivery_ids: list[int]) -> int:
    """Send these ``EmailDelivery`` rows (those still pending); each reaches its recipient at most once."""
    return email_deliveries_send(delivery_ids=delivery_ids)


@shared_task
def sweep_notification_emails() -> int:
    """Beat, each minute: re-enqueue deliveries left pending (broker down at commit); flag stuck ones."""
    chunks = email_deliveries_sweep()
    for chunk in chunks:
        send_notification_emails.delay(chunk)
    return len(chunks)


@shared_task
def send_message_emails(recipient_id: int, space_id: int) -> int:
    """Enqueued with a countdown of the email delay: one email for the recipient's pending mentions
    and replies in the space, unless read meanwhile."""
    return message_emails_send(recipient_id=recipient_id, space_id=space_id)


@shared_task
def sweep_message_emails() -> int:
    """Beat, each minute: mention and reply emails whose task was lost; flag stuck ones."""
    groups = message_emails_sweep()
    for recipient_id, space_id in groups:
        send_message_emails.delay(recipient_id, space_id)
    return len(groups)


@shared_task
def send_daily_digests(now: str | None = None) -> int:
    """Beat, each hour: enqueue the digests due now in each user's zone, a chunk of users per task.

    ``now`` (ISO 8601, for tests and a manual catch-up): the moment to act as if it were."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    chunks = digests_chunks(moment)
    for chunk in chunks:
        send_digests.delay(chunk, moment.isoformat())
    return len(chunks)


@shared_task
def send_digests(user_ids: list[int], now: str | None = None) -> int:
    """Send these users' digests due at ``now`` (each claimed once per local day before sending)."""
    return digests_send(user_ids=user_ids, now=datetime.fromisoformat(now) if now else None)
