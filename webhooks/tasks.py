"""Celery tasks for webhooks: thin, take ids, safe to run twice (``webhooks.delivery``)."""

from celery import shared_task
from django.utils import timezone

from webhooks.delivery import webhook_deliveries_sweep, webhook_due, webhook_queue_send
from webhooks.outbox import sender_started


@shared_task
def send_webhook_deliveries(webhook_id: int) -> int:
    """Send the webhook's due deliveries in order; come back when a retry is due or work remains."""
    sender_started(webhook_id)
    outcome = webhook_queue_send(webhook_id=webhook_id)
    if outcome.wake_at is not None and outcome.sent:
        # This run's failed attempt set the retry time: it alone schedules the wake-up (runs that
        # merely found the head waiting do not pile up more; the sweep covers a lost one).
        countdown = max(0.0, (outcome.wake_at - timezone.now()).total_seconds())
        send_webhook_deliveries.apply_async((webhook_id,), countdown=countdown)
    elif outcome.leased and webhook_due(webhook_id):
        # Its share was spent (others' turns first), or a row committed while this run was
        # finding the queue empty, whose own task found the lease still taken.
        send_webhook_deliveries.delay(webhook_id)
    return outcome.sent


@shared_task
def sweep_webhook_deliveries() -> int:
    """Beat, each minute: webhooks with due work that no sender holds (a lost task, a dead worker)."""
    webhook_ids = webhook_deliveries_sweep()
    for webhook_id in webhook_ids:
        send_webhook_deliveries.delay(webhook_id)
    return len(webhook_ids)
