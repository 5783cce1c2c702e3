"""Invitation emails (METHOD:REQUEST) and their withdrawal (METHOD:CANCEL), each sent at most once.

The claim is the one of ``notifications.delivery``, on the invitation's own columns:

- a task run sends a chunk over one SMTP connection, and right before each message claims the row
  with one guarded UPDATE (``pending`` → ``sending``); only the run whose UPDATE changed the row
  sends, so a task delivered twice (``acks_late`` after a worker death, the sweep re-enqueuing what
  a slow queue still holds) sends nothing twice;
- accepted → ``sent``; refused by the server (recipient, sender or data) → ``failed``, not retried;
  the connection could not be opened → back to ``pending`` for the sweep; the connection broke or
  the worker died mid-message → left in ``sending``, never sent again (at most once), and flagged
  ``unconfirmed`` by the sweep after ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS``.

Cancellation against a pending invitation email (the two may run at once in two workers):

- the invitation email's claim requires the event to be published (in the same UPDATE), so once
  the cancellation has committed no invitation email can be claimed any more;
- a cancellation email goes only to invitees whose invitation email was claimed (``sending``,
  ``sent``, ``unconfirmed``); an invitation email still ``pending`` is withdrawn instead
  (``skipped``, both), by an UPDATE that waits for, and then sees, a claim in flight on that row.
  So each invitee gets the invitation and then its cancellation, or neither.
"""

import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.calendar import event_ics, event_page_url
from events.invitation_links import invitation_rsvp_url, invitation_stop_emails_url
from events.models import Event, Invitation
from notifications.services import language_of
from notifications.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

State = Invitation.EmailState
# The server answered and did not take the message: it was not sent, and will not be retried.
_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# States in which the invitation email may have reached the invitee: they are owed its cancellation.
_REQUEST_WENT_OUT = (State.SENDING, State.SENT, State.UNCONFIRMED)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _invitation_language(invitation: Invitation) -> str:
    """The invitee's language; for an address without an account, the inviter's (who wrote to them)."""
    if invitation.user is not None:
        return language_of(invitation.user)
    if invitation.invited_by is not None and invitation.invited_by.language:
        return language_of(invitation.invited_by)
    return settings.LANGUAGE_CODE


def _unsubscribe_link(invitation: Invitation) -> str:
    """Account holders leave notification emails (as every notification email offers); an address
    without an account stops this invitation's emails (which declines it: nothing else is sent there)."""
    if invitation.user is not None:
        return unsubscribe_url(user_id=invitation.user.pk)
    return invitation_stop_emails_url(invitation)


def _message(invitation: Invitation, *, method: str, template: str, subject: str) -> EmailMultiAlternatives:
    event = invitation.event
    unsubscribe = _unsubscribe_link(invitation)
    name = invitation.user.shown_name if invitation.user is not None else ""
    ics = event_ics(event, method="REQUEST" if method == "REQUEST" else "CANCEL",
                    attendee_email=invitation.email, attendee_name=name)  # fmt: skip
    context = {
        "event": event,
        "invitation": invitation,
        "organizer_name": event.organizer.shown_name if event.organizer is not None else "",
        "event_url": event_page_url(event),
        "rsvp_url": invitation_rsvp_url(invitation) if method == "REQUEST" else "",
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
    }
    text = render_to_string(f"events/email/{template}.txt", context)
    html = render_to_string(f"events/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header: never a line break
        body=text,
        to=[invitation.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    # The calendar part that mail clients turn into accept/decline buttons (RFC 6047), and the
    # same object as a file for those that only offer attachments.
    message.attach_alternative(ics.decode(), f'text/calendar; charset="utf-8"; method={method}')
    message.attach("invite.ics", ics, "application/ics")
    return message


def invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation (precondition: ``event``, ``event.organizer``, ``user`` and ``invited_by`` loaded)."""
    with translation.override(_invitation_language(invitation)):
        subject = _("Invitation: %(title)s") % {"title": invitation.event.title}
        return _message(invitation, method="REQUEST", template="invitation", subject=subject)


def cancellation_email(invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation withdrawn: the event is cancelled (same preconditions)."""
    with translation.override(_invitation_language(invitation)):
        subject = _("Cancelled: %(title)s") % {"title": invitation.event.title}
        return _message(invitation, method="CANCEL", template="cancellation", subject=subject)


@dataclass(frozen=True)
class _Kind:
    """One of the two emails an invitation may carry, by the columns that record it."""

    state: str
    claimed_at: str
    sent_at: str
    build: Callable[[Invitation], EmailMultiAlternatives]
    # What else the claim requires of the row (beyond ``state = pending``).
    claimable: Q


_REQUEST = _Kind("email_state", "email_claimed_at", "email_sent_at", invitation_email,
                 Q(event__status=Event.Status.PUBLISHED))  # fmt: skip
_CANCEL = _Kind("cancel_email_state", "cancel_email_claimed_at", "cancel_email_sent_at", cancellation_email,
                Q(email_state__in=_REQUEST_WENT_OUT))  # fmt: skip


def _claimed(kind: _Kind, invitation_id: int) -> bool:
    """Claim one row for this run: True only for the single run whose UPDATE moved it out of pending."""
    rows = Invitation.objects.filter(kind.claimable, pk=invitation_id, **{kind.state: State.PENDING})
    return bool(rows.update(**{kind.state: State.SENDING, kind.claimed_at: timezone.now()}))


def _finish(kind: _Kind, invitation_id: int, state: State, *, error: str = "") -> None:
    fields: dict[str, object] = {kind.state: state}
    if state == State.SENT:
        fields[kind.sent_at] = timezone.now()
    if error:
        fields["email_error"] = error[:2000]
    Invitation.objects.filter(pk=invitation_id).update(**fields)


def _withdrawn(invitation_id: int) -> bool:
    """The event was cancelled before the invitation email was claimed: neither email goes out.

    On PostgreSQL this UPDATE waits for a claim in flight on the same row and then re-reads it, so an
    invitation email claimed meanwhile is not withdrawn (it gets its cancellation instead)."""
    rows = Invitation.objects.filter(pk=invitation_id, email_state=State.PENDING, cancel_email_state=State.PENDING)
    withdrawn = {"email_state": State.SKIPPED, "cancel_email_state": State.SKIPPED,
                 "email_error": "not sent: the event was cancelled first"}  # fmt: skip
    return bool(rows.update(**withdrawn))


def _skip_unowed(kind: _Kind, invitation_id: int) -> None:
    """A pending row that can no longer be claimed is not owed: mark it skipped so no sweep retries it.

    An invitation email is not owed once the event is no longer published; a cancellation email is not
    owed to an invitee whose invitation email never went out (it failed or was skipped)."""
    pending = Invitation.objects.filter(pk=invitation_id, **{kind.state: State.PENDING})
    if kind is _REQUEST:
        pending.exclude(event__status=Event.Status.PUBLISHED).update(
            email_state=State.SKIPPED, email_error="not sent: the event is no longer published"
        )
    else:
        pending.exclude(email_state__in=(*_REQUEST_WENT_OUT, State.PENDING)).update(cancel_email_state=State.SKIPPED)


def _send_chunk(kind: _Kind, invitation_ids: list[int]) -> int:
    invitations = (
        Invitation.objects.filter(pk__in=invitation_ids, **{kind.state: State.PENDING})
        .select_related("event__organizer", "user", "invited_by")
        .order_by("pk")
    )
    connection: BaseEmailBackend | None = None
    sent = 0
    try:
        for invitation in invitations:
            if kind is _CANCEL and _withdrawn(invitation.pk):
                continue
            # Built before the claim: a template error leaves the row pending, not in doubt.
            message = kind.build(invitation)
            if not _claimed(kind, invitation.pk):
                _skip_unowed(kind, invitation.pk)
                continue  # another run has it, or it is no longer owed
            if connection is None:
                connection = get_connection()
                try:
                    connection.open()
                except Exception:
                    _finish(kind, invitation.pk, State.PENDING)  # nothing went out: let the sweep retry it
                    raise
            message.connection = connection
            try:
                accepted = connection.send_messages([message])
            except _REFUSALS as refusal:
                _finish(kind, invitation.pk, State.FAILED, error=repr(refusal))
                continue
            # Anything else (connection lost mid-message, worker killed): the row stays in
            # ``sending``, unknown whether it arrived, and is never re-sent (module docstring).
            if accepted:
                _finish(kind, invitation.pk, State.SENT)
                sent += 1
            else:
                _finish(kind, invitation.pk, State.FAILED, error="the email backend sent nothing")
    finally:
        if connection is not None:
            connection.close()
    return sent


def _send(kind: _Kind, invitation_ids: Iterable[int]) -> int:
    sent = 0
    for chunk in _chunks(sorted(set(invitation_ids)), settings.NOTIFICATION_EMAIL_CHUNK):
        sent += _send_chunk(kind, chunk)
    return sent


def invitation_emails_send(*, invitation_ids: Iterable[int]) -> int:
    """Send the pending invitation emails among ``invitation_ids``, a chunk per SMTP connection.

    Safe to call twice with the same ids, at once or later (module docstring). Returns how many this
    call sent. Raises when the mail server cannot be reached (what was not attempted stays pending)."""
    return _send(_REQUEST, invitation_ids)


def cancellation_emails_send(*, invitation_ids: Iterable[int]) -> int:
    """Send the pending cancellation emails among ``invitation_ids`` (as ``invitation_emails_send``)."""
    return _send(_CANCEL, invitation_ids)


@dataclass(frozen=True)
class SweepResult:
    invitation_chunks: list[list[int]]
    cancellation_chunks: list[list[int]]


def invitation_emails_sweep() -> SweepResult:
    """What the normal path missed (the broker down at commit, a run stopped early): the chunks of
    pending ids to enqueue again. Rows claimed longer than ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS``
    ago and still ``sending`` become ``unconfirmed`` (never re-sent: at most once) and are logged."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS)
    stuck = Invitation.objects.filter(email_state=State.SENDING, email_claimed_at__lt=stuck_before).update(
        email_state=State.UNCONFIRMED
    ) + Invitation.objects.filter(cancel_email_state=State.SENDING, cancel_email_claimed_at__lt=stuck_before).update(
        cancel_email_state=State.UNCONFIRMED
    )
    if stuck:
        logger.warning("invitation emails: %d left unconfirmed, not re-sent (at most once)", stuck)
    waited = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    limit = settings.NOTIFICATION_EMAIL_SWEEP_MAX
    invitations = Invitation.objects.filter(email_state=State.PENDING, created_at__lt=waited).order_by("pk")
    cancellations = Invitation.objects.filter(
        cancel_email_state=State.PENDING, event__cancelled_at__lt=waited
    ).order_by("pk")
    chunk = settings.NOTIFICATION_EMAIL_CHUNK
    return SweepResult(
        invitation_chunks=list(_chunks(list(invitations.values_list("pk", flat=True)[:limit]), chunk)),
        cancellation_chunks=list(_chunks(list(cancellations.values_list("pk", flat=True)[:limit]), chunk)),
    )
