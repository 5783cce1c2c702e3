"""Celery tasks for notifications: thin, take ids, safe to run twice (``notifications.delivery``)."""

from celery import shared_task

from notifications.delivery import email_deliveries_send, email_deliveries_sweep


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
