"""Celery tasks for events: thin, take ids, safe to run twice (the services say why).

Celery's autodiscovery imports this module (and only this one in the app), so it also imports the
other event task modules for workers to know their tasks.
"""

from celery import shared_task

# Invitation emails (events-calendar): imported so that workers register them.
from events.invitation_tasks import (  # noqa: F401
    send_cancellation_emails,
    send_invitation_emails,
    sweep_invitation_emails,
)
from events.reminders import event_reminders_send
from events.services.announcements import event_announce, owed_announcements


@shared_task
def announce_event(event_id: int) -> int:
    """Tell a published event's subscribers about it (each once); how many were told by this run."""
    return event_announce(event_id=event_id)


@shared_task
def sweep_event_announcements() -> int:
    """Beat, each minute: queue again the announcements owed for too long (broker down at commit,
    worker died during the fan-out); how many were queued."""
    owed = owed_announcements()
    for event_id in owed:
        announce_event.delay(event_id)
    return len(owed)


@shared_task
def send_event_reminders() -> int:
    """Beat, each minute: the reminders and nudges due now and not sent yet; how many people were told."""
    return event_reminders_send().total
