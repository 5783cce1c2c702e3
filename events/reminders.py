"""Reminders before an event starts, and the nudge to invitees who have not answered.

Beat runs ``events.tasks.send_event_reminders`` every minute; each run works out from the stored
start times what is due *now*, so nothing depends on a schedule made earlier: a missed tick, a
beat or worker restart, or an event moved since, all come out right at the next run.

- **Reminders** (``event_reminder``), to each ``yes`` attendee of a published event of any kind
  (the contract's "a training or event": every kind is one): the 24-hour one is due from 24 h
  before the start, the 1-hour one from 1 h before; neither once the event has started. When the
  1-hour one is due the 24-hour one is not sent any more (two reminders a minute apart say nothing
  more than one).
- **Nudge** (an ``event_reminder`` too, worded as a question), once, to each invitee who has not
  answered (no answer on the invitation and no RSVP), due from 24 h before the start, for those
  invited before that: someone invited an hour before is not asked again at once. Invitees with an
  account get a notification (and its email per their preference); an address without an account
  gets its invitation email again (the same iCalendar UID and SEQUENCE: calendars update the entry
  they hold) if the first one went out (stopping an invitation's emails declines it: answered).

Each is sent at most once per person and *start time*: an ``EventNotice`` row (event, person,
kind, starts_at) is inserted before anything is sent, set-based, ``INSERT … SELECT … ON CONFLICT
DO NOTHING RETURNING``, and only the rows this run inserted are told. Two runs at once (a slow
tick overlapping the next) therefore split the people between them instead of both telling
everyone. Moving the event changes ``starts_at``, so the reminders of the new time are owed again
(re-armed), and those of the old time can no longer be due.

The claim and the notifications commit in one transaction per event and kind, and the emails are
sent after the commit (``notifications.bulk``); the notification's own unique key would also stop
a second one. Email to an address without an account is sent right after its claim commits: a
worker dying between the two loses that nudge rather than sending it twice.
"""

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from events.models import Event, EventNotice, Invitation, Rsvp, RsvpResponse
from events.paths import event_path
from events.services.announcements import ONLINE, local_time
from notifications.bulk import notifications_create_many
from notifications.models import Notification

logger = logging.getLogger(__name__)

NoticeKind = EventNotice.Kind

REMINDER_24H_BEFORE = timedelta(hours=24)
REMINDER_1H_BEFORE = timedelta(hours=1)
NUDGE_BEFORE = timedelta(hours=24)

REMINDER_TITLES = {
    NoticeKind.REMINDER_24H: gettext_lazy("Tomorrow: %(title)s"),
    NoticeKind.REMINDER_1H: gettext_lazy("In one hour: %(title)s"),
}
REMINDER_BODY = gettext_lazy("%(title)s starts %(when)s (%(zone)s), %(where)s. You said you would come.")
NUDGE_TITLE = gettext_lazy("Will you come? %(title)s")
NUDGE_BODY = gettext_lazy(
    "You are invited to %(title)s, %(when)s (%(zone)s), and have not answered yet. Answer on the event's page."
)


@dataclass
class RemindersSent:
    """What one run claimed and told, per ``EventNotice`` kind (people, not emails)."""

    told: dict[str, int] = field(default_factory=dict)
    addresses_emailed: int = 0

    def add(self, kind: str, count: int) -> None:
        if count:
            self.told[kind] = self.told.get(kind, 0) + count

    @property
    def total(self) -> int:
        return sum(self.told.values()) + self.addresses_emailed


def reminder_due(starts_at: datetime, now: datetime) -> NoticeKind | None:
    """Which reminder is due at ``now`` for an event starting at ``starts_at`` (None: none)."""
    if now >= starts_at:
        return None
    if now >= starts_at - REMINDER_1H_BEFORE:
        return NoticeKind.REMINDER_1H
    if now >= starts_at - REMINDER_24H_BEFORE:
        return NoticeKind.REMINDER_24H
    return None


def nudge_due(starts_at: datetime, now: datetime) -> bool:
    return starts_at - NUDGE_BEFORE <= now < starts_at


def event_reminders_send(*, now: datetime | None = None) -> RemindersSent:
    """Send whatever reminders and nudges are due at ``now`` (default: the present) and not sent yet.

    Safe to run at any time, twice, or at once in two workers (see the module docstring).
    """
    now = now or timezone.now()
    sent = RemindersSent()
    horizon = now + max(REMINDER_24H_BEFORE, NUDGE_BEFORE)
    events = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=horizon)
    for event in events.order_by("starts_at", "pk"):
        kind = reminder_due(event.starts_at, now)
        if kind is not None:
            with transaction.atomic():
                sent.add(kind, _remind_attendees(event, kind))
        if nudge_due(event.starts_at, now):
            with transaction.atomic():
                sent.add(NoticeKind.NUDGE, _nudge_invited_users(event))
            sent.addresses_emailed += _nudge_invited_addresses(event)
    return sent


# --- Claims --------------------------------------------------------------------------------------


def _db_datetime(value: datetime) -> Any:
    """A datetime as the database stores it (SQLite compares the text: it must be Django's own)."""
    return connection.ops.adapt_datetimefield_value(value)


def claim_for_users(event: Event, kind: str, user_ids: QuerySet[User, Any]) -> list[int]:
    """Insert the ``EventNotice`` of (event, user, kind, event.starts_at) for each of ``user_ids``
    (a queryset of user ids) that has none yet; returns the users whose row this call inserted.

    Precondition: inside a transaction (the claim commits with what it is for). One statement, the
    same on PostgreSQL and SQLite (3.35+): ``ON CONFLICT`` names the partial unique index of user
    rows; the ``WHERE`` of the ``SELECT`` keeps SQLite's parser from reading ``ON`` as a join's.
    """
    subquery, params = user_ids.query.sql_with_params()
    notice = EventNotice._meta.db_table
    users = User._meta.db_table
    sql = f"""
        INSERT INTO {notice} (event_id, user_id, email, kind, starts_at, created_at)
        SELECT %s, id, '', %s, %s, %s FROM {users} WHERE id IN ({subquery})
        ON CONFLICT (event_id, user_id, email, kind, starts_at) WHERE user_id IS NOT NULL DO NOTHING
        RETURNING user_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    values: list[Any] = [event.pk, kind, _db_datetime(event.starts_at), _db_datetime(timezone.now()), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return sorted(row[0] for row in cursor.fetchall())


def claim_for_addresses(event: Event, kind: str, invitation_ids: Sequence[int]) -> list[str]:
    """The same for invitations to addresses without an account (the partial index of address rows);
    returns the addresses whose row this call inserted."""
    if not invitation_ids:
        return []
    notice = EventNotice._meta.db_table
    invitations = Invitation._meta.db_table
    placeholders = ", ".join(["%s"] * len(invitation_ids))
    sql = f"""
        INSERT INTO {notice} (event_id, user_id, email, kind, starts_at, created_at)
        SELECT %s, NULL, email, %s, %s, %s FROM {invitations} WHERE id IN ({placeholders})
        ON CONFLICT (event_id, email, kind, starts_at) WHERE user_id IS NULL DO NOTHING
        RETURNING email
    """  # noqa: S608 (table names from the models; every value is a parameter)
    values: list[Any] = [event.pk, kind, _db_datetime(event.starts_at), _db_datetime(timezone.now()), *invitation_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return sorted(row[0] for row in cursor.fetchall())


# --- Reminders and nudges ------------------------------------------------------------------------


def _params(event: Event) -> dict[str, object]:
    return {
        "title": event.title,
        "when": local_time(event, event.starts_at),
        "zone": event.timezone,
        "where": event.location or ONLINE,  # lazy: rendered in each recipient's language
    }


def _source_key(event: Event, kind: str) -> str:
    return f"event:{event.pk}:{kind}:{event.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _remind_attendees(event: Event, kind: NoticeKind) -> int:
    """The ``kind`` reminder to every yes attendee not reminded of this start yet (inside a transaction)."""
    attendees = User.objects.filter(
        is_active=True,
        pk__in=Rsvp.objects.filter(event_id=event.pk, response=RsvpResponse.YES).values("user_id"),
    ).values("pk")
    claimed = claim_for_users(event, kind, attendees)
    if not claimed:
        return 0
    notifications_create_many(
        claimed,
        kind=Notification.Kind.EVENT_REMINDER,
        title=REMINDER_TITLES[kind],
        body=REMINDER_BODY,
        params=_params(event),
        url=event_path(event.pk),
        source_key=_source_key(event, kind),
    )
    return len(claimed)


def _unanswered(event: Event) -> QuerySet[Invitation]:
    """Invitations of ``event`` without an answer, made before the nudge was due, whose invitee has
    no RSVP either."""
    answered = Rsvp.objects.filter(event_id=event.pk, user_id=OuterRef("user_id"))
    return Invitation.objects.filter(
        event_id=event.pk, response="", created_at__lte=event.starts_at - NUDGE_BEFORE
    ).exclude(Exists(answered))


def _nudge_invited_users(event: Event) -> int:
    invited = User.objects.filter(
        is_active=True, pk__in=_unanswered(event).filter(user__isnull=False).values("user_id")
    ).values("pk")
    claimed = claim_for_users(event, NoticeKind.NUDGE, invited)
    if not claimed:
        return 0
    notifications_create_many(
        claimed,
        kind=Notification.Kind.EVENT_REMINDER,
        title=NUDGE_TITLE,
        body=NUDGE_BODY,
        params=_params(event),
        url=event_path(event.pk),
        source_key=_source_key(event, NoticeKind.NUDGE),
    )
    return len(claimed)


def _nudge_invited_addresses(event: Event) -> int:
    """Claim, commit, then email the unanswered invitations of addresses without an account
    (the invitation email again); returns how many the server accepted."""
    from events.invitation_delivery import invitation_email  # events-calendar's message

    # Only where the invitation itself went out: a refused address is not tried again, and one
    # still pending gets its invitation anyway.
    owed = _unanswered(event).filter(user__isnull=True, email_state=Invitation.EmailState.SENT)
    with transaction.atomic():
        claimed = set(claim_for_addresses(event, NoticeKind.NUDGE, list(owed.values_list("pk", flat=True))))
    if not claimed:
        return 0
    invitations = (
        Invitation.objects.filter(event_id=event.pk, email__in=claimed)
        .select_related("event", "event__organizer", "user", "invited_by")
        .order_by("pk")
    )
    accepted = 0
    mail = get_connection()
    try:
        for invitation in invitations:
            try:
                accepted += mail.send_messages([invitation_email(invitation)]) or 0
            except smtplib.SMTPException:
                # At most once: the claim stays; the nudge is not worth a second invitation.
                logger.warning("nudge to an invited address not sent (event %s)", event.pk, exc_info=True)
    finally:
        mail.close()
    return accepted
