"""Emails about mentions and replies: held a couple of minutes, dropped if read, grouped by space.

As Zulip's missed-message emails: a mention or reply (``notification_create(about_message=...)``)
of a recipient whose email preference is "immediate" makes a ``MessageEmail`` row due
``NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS`` later, and a task with that countdown. When it runs:

- it claims, in one guarded UPDATE, every pending row of that recipient in that space, the ones not
  yet due included: what arrived from one conversation within the wait goes out as one email,
  and the rows' own tasks, arriving later, find nothing left;
- it drops the rows whose message the recipient has read meanwhile (their read marker in the
  space reached the message's seq, or they read the notification), or that was deleted, and
  those of a recipient who turned email off since;
- the rest go out as one email, then the rows are ``sent``.

At most once, as for every notification email (``notifications.delivery``): only the run whose
UPDATE claimed the rows sends them; a connection that cannot be opened puts them back to pending;
a send that breaks half-way leaves them ``sending``, never re-sent, and the sweep marks them
``unconfirmed`` after ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS``. The sweep also finds rows whose
task was lost (the broker was down at commit) once they are overdue.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Min
from django.utils import timezone

from discussions.models import Membership, Message
from notifications.delivery import SMTP_REFUSALS
from notifications.emails import message_group_email
from notifications.models import MessageEmail, NotificationPreference
from notifications.selectors import email_preference_of

logger = logging.getLogger(__name__)

State = MessageEmail.State


def message_emails_send(*, recipient_id: int, space_id: int) -> int:
    """Send what is pending for ``recipient_id`` in ``space_id`` as one email, once the first is due.

    Returns how many notifications the email carried (0: nothing due, nothing left, or all read).
    Safe to run twice, at once or later. Raises when the mail server cannot be reached (the rows go
    back to pending for the sweep).
    """
    now = timezone.now()
    pending = MessageEmail.objects.filter(recipient_id=recipient_id, space_id=space_id, state=State.PENDING)
    first_due = pending.aggregate(first=Min("due_at"))["first"]
    if first_due is None or first_due > now:
        return 0  # early (a clock ahead of this one): the row's own task or the sweep comes back
    claim = uuid.uuid4()
    if not pending.update(state=State.SENDING, claim=claim, claimed_at=now):
        return 0  # another run has them
    rows = list(
        MessageEmail.objects.filter(claim=claim)
        .select_related("notification", "recipient", "space")
        .order_by("seq", "pk")
    )
    recipient, space = rows[0].recipient, rows[0].space
    membership = Membership.objects.filter(space_id=space_id, user_id=recipient_id)
    read_up_to = membership.values_list("last_read_seq", flat=True).first() or 0
    standing = set(
        Message.objects.filter(space_id=space_id, seq__in=[row.seq for row in rows], deleted=False).values_list(
            "seq", flat=True
        )
    )
    wanted = bool(recipient.email) and email_preference_of(recipient) == NotificationPreference.Email.IMMEDIATE
    unread = [
        row
        for row in rows
        if wanted and row.seq > read_up_to and row.seq in standing and row.notification.read_at is None
    ]
    dropped = [row.pk for row in rows if row not in unread]
    if dropped:
        MessageEmail.objects.filter(pk__in=dropped).update(state=State.DROPPED)
    if not unread:
        return 0
    ids = [row.pk for row in unread]
    message = message_group_email(
        recipient=recipient, space_name=space.name, notifications=[row.notification for row in unread]
    )
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        # Nothing went out: back to pending, for the sweep.
        MessageEmail.objects.filter(pk__in=ids).update(state=State.PENDING, claim=None, claimed_at=None)
        raise
    try:
        message.connection = connection
        try:
            accepted = connection.send_messages([message])
        except SMTP_REFUSALS as refusal:
            MessageEmail.objects.filter(pk__in=ids).update(state=State.FAILED, error=repr(refusal)[:2000])
            return 0
        # Anything else raised: the rows stay ``sending`` (it may or may not have arrived).
        if not accepted:
            MessageEmail.objects.filter(pk__in=ids).update(state=State.FAILED, error="the email backend sent nothing")
            return 0
        MessageEmail.objects.filter(pk__in=ids).update(state=State.SENT, sent_at=timezone.now())
    finally:
        connection.close()
    return len(unread)


def message_emails_sweep() -> list[tuple[int, int]]:
    """The (recipient, space) groups whose rows are overdue (their task was lost), to send again;
    and rows claimed but never confirmed for longer than the send timeout marked ``unconfirmed``."""
    now = timezone.now()
    stuck = MessageEmail.objects.filter(
        state=State.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS),
    ).update(state=State.UNCONFIRMED, error="claimed but never confirmed sent (worker died or connection lost)")
    if stuck:
        logger.warning("message emails: %d left unconfirmed, not re-sent (at most once)", stuck)
    overdue = (
        MessageEmail.objects.filter(
            state=State.PENDING,
            due_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS),
        )
        .order_by("recipient_id", "space_id")
        .values_list("recipient_id", "space_id")
        .distinct()
    )
    return list(overdue[: settings.NOTIFICATION_EMAIL_SWEEP_MAX])
