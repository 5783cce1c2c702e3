"""Sending notification emails: each ``EmailDelivery`` reaches its recipient at most once.

How (the contract: "each notification reaches each recipient at most once, even when a task is
retried or a worker dies"):

- A task run sends a chunk of deliveries over one SMTP connection. Right before each message it
  *claims* that row with one guarded UPDATE (``state='pending'`` → ``'sending'``, ``claimed_at``);
  only the run whose UPDATE changed the row sends it. A task delivered twice (Celery's
  ``acks_late`` after a worker death, a broker's visibility timeout, the sweep re-enqueuing a row a
  slow queue still holds) therefore sends nothing twice.
- The rows the server accepted become ``sent`` together, in one UPDATE when the chunk ends or
  stops (a worker that dies first leaves them ``sending``, hence ``unconfirmed`` below: bookkeeping
  only, since a row is never re-sent once it left ``pending``). A refusal (recipient, sender or
  data rejected) makes it ``failed`` at once with the server's answer; it is not retried.
- Within a chunk each (language, title, body, link) is rendered once and each recipient's own
  unsubscribe link filled in (``emails.renderings_shared``).
- If the connection cannot be opened, the row just claimed goes back to ``pending``: nothing was
  sent, and the sweep re-enqueues it. If the connection breaks *during* a message, or the worker
  dies, that row stays in ``sending``: the server may or may not have taken it. We choose
  **at-most-once for that row**: it is never sent again automatically; after
  ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS`` (far longer than any send) the sweep marks it
  ``unconfirmed`` and logs a warning, so staff see it (admin) instead of a silent loss. The rows of
  the chunk not yet attempted were never claimed, so they are still ``pending`` and sent later.
"""

import logging
import smtplib
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from notifications.emails import notification_email, renderings_shared
from notifications.models import EmailDelivery

logger = logging.getLogger(__name__)

State = EmailDelivery.State

# The server answered and did not take the message: it was not sent, and will not be retried.
# (The digest and the message emails treat these alike.)
SMTP_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _claimed(delivery_id: int) -> bool:
    """Claim one row for this run: True only for the single run whose UPDATE moved it out of pending.

    One statement per email, so written once and run through the cursor (the queryset ``update``
    it replaced cost a quarter of the CPU per email in building the same SQL every time)."""
    sql = f"UPDATE {EmailDelivery._meta.db_table} SET state = %s, claimed_at = %s WHERE id = %s AND state = %s"  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [State.SENDING.value, now, delivery_id, State.PENDING.value])
        return bool(cursor.rowcount == 1)


def _mark_sent(delivery_ids: list[int]) -> None:
    """Rows the server accepted, marked in one statement (at the end of a chunk, or when it stops).

    Deferred on purpose: a row is never sent twice because it left ``pending`` (``_claimed``), not
    because it reached ``sent``. A worker that dies before this leaves those rows in ``sending``,
    which the sweep marks ``unconfirmed`` (never re-sent) like the one it died on."""
    if delivery_ids:
        EmailDelivery.objects.filter(pk__in=delivery_ids, state=State.SENDING).update(
            state=State.SENT, sent_at=timezone.now(), error=""
        )
        delivery_ids.clear()


def _finish(delivery_id: int, state: EmailDelivery.State, *, error: str = "") -> None:
    fields: dict[str, object] = {"state": state, "error": error[:2000]}
    if state == State.SENT:
        fields["sent_at"] = timezone.now()
    EmailDelivery.objects.filter(pk=delivery_id).update(**fields)


def email_deliveries_send(*, delivery_ids: Iterable[int]) -> int:
    """Send the pending deliveries among ``delivery_ids``, chunk by chunk, each over one SMTP connection.

    Safe to call twice with the same ids, at once or later: see the module docstring. Returns how many
    this call sent. Raises when the mail server cannot be reached or drops the connection (the rows
    not yet attempted stay pending for the sweep).
    """
    sent = 0
    for chunk in _chunks(sorted(set(delivery_ids)), settings.NOTIFICATION_EMAIL_CHUNK):
        sent += _send_chunk(chunk)
    return sent


def _send_chunk(delivery_ids: list[int]) -> int:
    deliveries = (
        EmailDelivery.objects.filter(pk__in=delivery_ids, state=State.PENDING)
        .select_related("notification__recipient")
        .order_by("pk")
    )
    mail: BaseEmailBackend | None = None
    sent = 0
    accepted_ids: list[int] = []
    try:
        with renderings_shared():
            for delivery in deliveries:
                # Built before the claim: a template error leaves the row pending, not in doubt.
                message = notification_email(delivery.notification)
                if not _claimed(delivery.pk):
                    continue  # another run has it
                if mail is None:
                    mail = get_connection()
                    try:
                        mail.open()
                    except Exception:
                        _finish(delivery.pk, State.PENDING)  # nothing went out: let the sweep retry it
                        raise
                message.connection = mail
                try:
                    accepted = mail.send_messages([message])
                except SMTP_REFUSALS as refusal:
                    _finish(delivery.pk, State.FAILED, error=repr(refusal))
                    continue
                # Anything else (connection lost mid-message, worker killed): the row stays in
                # ``sending``, unknown whether it arrived, and is never re-sent (module docstring).
                if accepted:
                    accepted_ids.append(delivery.pk)
                    sent += 1
                else:
                    _finish(delivery.pk, State.FAILED, error="the email backend sent nothing")
    finally:
        _mark_sent(accepted_ids)
        if mail is not None:
            mail.close()
    return sent


def email_deliveries_sweep() -> list[list[int]]:
    """Find what the normal path missed; returns the chunks of pending ids to enqueue again.

    Pending rows older than ``NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS`` (the broker was down at commit,
    or a run stopped before reaching them) are returned for re-sending. Rows claimed longer than
    ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS`` ago and still ``sending`` are marked ``unconfirmed``
    (never re-sent: at most once) and logged.
    """
    now = timezone.now()
    stuck = EmailDelivery.objects.filter(
        state=State.SENDING, claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS)
    ).update(state=State.UNCONFIRMED, error="claimed but never confirmed sent (worker died or connection lost)")
    if stuck:
        logger.warning("notification emails: %d deliveries left unconfirmed, not re-sent (at most once)", stuck)
    pending = EmailDelivery.objects.filter(
        state=State.PENDING, created_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    ).order_by("pk")
    ids = list(pending.values_list("pk", flat=True)[: settings.NOTIFICATION_EMAIL_SWEEP_MAX])
    return list(_chunks(ids, settings.NOTIFICATION_EMAIL_CHUNK))
