"""Beat's waiting-list work: seat offers that ran out pass to the next in line. Thin: calls the service.

Scheduled every minute (``CELERY_BEAT_SCHEDULE["expire-event-seat-offers"]``). Idempotent and safe
to run twice at once, after a missed tick or a restart: each event's offers are re-read under its
row lock, and an offer already passed on is no longer ``offered``. Imported by
``EventsConfig.ready()`` so that workers know it (``autodiscover_tasks`` finds ``tasks.py`` only).
"""

from celery import shared_task

from events.services.waitlist import waitlist_expire_due_offers


@shared_task(name="events.tasks_waitlist.expire_seat_offers")
def expire_seat_offers() -> int:
    """How many offers ran out and were passed on."""
    return waitlist_expire_due_offers()
