"""Celery tasks for invitation emails: thin, take ids, safe to run twice (``events.invitation_delivery``).

Celery's autodiscovery imports ``events.tasks``, which imports this module so that workers know
these tasks.
"""

from celery import shared_task

from events.invitation_delivery import cancellation_emails_send, invitation_emails_send, invitation_emails_sweep


@shared_task
def send_invitation_emails(invitation_ids: list[int]) -> int:
    """Send these invitations' emails (those still pending); each reaches its invitee at most once."""
    return invitation_emails_send(invitation_ids=invitation_ids)


@shared_task
def send_cancellation_emails(invitation_ids: list[int]) -> int:
    """Send these invitations' cancellation emails (METHOD:CANCEL), those still pending, at most once each."""
    return cancellation_emails_send(invitation_ids=invitation_ids)


@shared_task
def sweep_invitation_emails() -> int:
    """Beat, each minute: re-enqueue invitation and cancellation emails left pending; flag stuck ones."""
    swept = invitation_emails_sweep()
    for chunk in swept.invitation_chunks:
        send_invitation_emails.delay(chunk)
    for chunk in swept.cancellation_chunks:
        send_cancellation_emails.delay(chunk)
    return len(swept.invitation_chunks) + len(swept.cancellation_chunks)
