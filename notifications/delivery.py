"""Sending notification emails: each ``EmailDelivery`` reaches its recipient at most once.

How (the contract: "each notification reaches each recipient at most once, even when a task is
retried or a worker dies"):

- A task run sends a chunk of deliveries. Right before each message it *claims* that row with one
  guarded UPDATE (``state='pending'`` → ``'sending'``, ``claimed_at``), committed on its own; only
  the run whose UPDATE changed the row sends it. A task delivered twice (Celery's ``acks_late``
  after a worker death, a broker's visibility timeout, the sweep re-enqueuing a row a slow queue
  still holds) therefore sends nothing twice.
- A chunk of at least twice ``LANE_MIN_MESSAGES`` goes out over up to ``SMTP_LANES`` SMTP
  connections at once (*lanes*, on PostgreSQL with Django's SMTP backend): each lane sends its
  share one message after the other, claim then send, with a database connection of its own, so
  that while one lane waits for its commit or for the server's answers the others work (and
  their commits share PostgreSQL's flushes). Each lane has at most one claimed row the server has
  not answered for, so **a worker killed mid-chunk leaves at most ``SMTP_LANES`` rows in doubt per
  running task** (``SMTP_LANES`` times the worker's concurrency in all). Smaller chunks (a mention, a
  reply, the tests) use one connection, in the calling thread.
- The rows the server accepted become ``sent`` together, in one UPDATE when the chunk ends or
  stops (a worker that dies first leaves them ``sending``, hence ``unconfirmed`` below: bookkeeping
  only, since a row is never re-sent once it left ``pending``). A refusal (recipient, sender or
  data rejected) makes it ``failed`` at once with the server's answer; it is not retried.
- Every message of a chunk is built before the first claim (a template error leaves the rows
  pending, not in doubt). Each distinct (language, title, body, link) is rendered and serialized
  once and each recipient's address, Date, Message-ID and unsubscribe link filled into the bytes
  (``email_slots``), which go to the server through the backend's ``smtplib`` connection, as
  Django's SMTP backend would send them; any other backend, or a message that cannot be slotted,
  is built whole (``emails.notification_email``) and sent through the backend.
- If a connection cannot be opened, the row just claimed goes back to ``pending``: nothing was
  sent, and the sweep re-enqueues it. If the connection breaks *during* a message, or the worker
  dies, that row stays in ``sending``: the server may or may not have taken it. We choose
  **at-most-once for that row**: it is never sent again automatically; after
  ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS`` (far longer than any send) the sweep marks it
  ``unconfirmed`` and logs a warning, so staff see it (admin) instead of a silent loss. The rows of
  the lane not yet attempted were never claimed, so they are still ``pending`` and sent later; the
  other lanes go on to their end. The run then raises the first lane's error.
"""

import logging
import smtplib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection
from django.utils import timezone

from accounts.models import User
from notifications.email_slots import SlottedEmail, slotted_email_kept, unsubscribe_urls
from notifications.emails import notification_email, renderings_shared
from notifications.models import EmailDelivery, Notification
from notifications.services import language_of

logger = logging.getLogger(__name__)

State = EmailDelivery.State

# The server answered and did not take the message: it was not sent, and will not be retried.
# (The digest and the message emails treat these alike.)
SMTP_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

# A chunk goes out over up to this many SMTP connections at once, each sending its share of the
# messages one after the other (``_lanes``): while one waits for the server's answers or for its
# claim's commit, the others send. Each lane holds at most one claimed row that the server has not
# answered for, so a worker killed mid-chunk leaves at most SMTP_LANES rows in doubt per task.
SMTP_LANES = 4
# ... but no lane for fewer messages than this: small chunks (a mention, a reply) use one connection.
LANE_MIN_MESSAGES = 25


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


_CLAIM_SQL = f"UPDATE {EmailDelivery._meta.db_table} SET state = %s, claimed_at = %s WHERE id = %s AND state = %s"  # noqa: S608


def _claimed(delivery_id: int) -> bool:
    """Claim one row for this run: True only for the single run whose UPDATE moved it out of pending.

    One statement per email, the hottest query of a fan-out, so written once and run below the ORM
    (the queryset ``update`` it replaced spent a quarter of the CPU per email building the same SQL).
    On PostgreSQL it goes through a psycopg cursor with server-side binding: the values travel as
    parameters, not quoted into the SQL in Python as Django's client-side cursors do (measured: a
    third of the claim's CPU). Not a prepared statement: those do not survive PgBouncer's transaction
    mode, which ``DATABASE_POOL=0`` deployments may sit behind."""
    now = timezone.now()
    params = (State.SENDING.value, now, delivery_id, State.PENDING.value)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(_CLAIM_SQL, params, prepare=False)
            return cursor.rowcount == 1
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [*params[:1], connection.ops.adapt_datetimefield_value(now), *params[2:]])
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


@dataclass(frozen=True, slots=True)
class _Row:
    """What sending one delivery needs, read without model instances (one tuple per row)."""

    delivery_id: int
    recipient_id: int
    address: str
    language: str  # ``User.language``
    title: str
    body: str
    url: str


def _pending_rows(delivery_ids: list[int]) -> list[_Row]:
    rows = (
        EmailDelivery.objects.filter(pk__in=delivery_ids, state=State.PENDING)
        .order_by("pk")
        .values_list(
            "pk",
            "notification__recipient_id",
            "notification__recipient__email",
            "notification__recipient__language",
            "notification__title",
            "notification__body",
            "notification__url",
        )
    )
    return [_Row(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class _RawMessage:
    envelope_from: str
    to: str
    data: bytes


_Prepared = _RawMessage | EmailMultiAlternatives


class _Messages:
    """How a chunk's messages are made.

    ``raw`` (Django's SMTP backend): a message is the bytes of its content's ``SlottedEmail`` with
    the recipient's parts filled in, handed to the connection's ``smtplib`` as Django would hand it.
    Otherwise (locmem in tests, console), or when a content or an address cannot be slotted, it is
    the ``EmailMultiAlternatives`` built whole and sent through the backend.
    """

    def __init__(self, *, raw: bool) -> None:
        self.raw = raw
        self._slotted: dict[tuple[str, str, str, str], SlottedEmail | None] = {}
        self._languages: dict[str, str] = {}  # ``User.language`` → the language to speak
        self._unsubscribe_url = unsubscribe_urls()

    def prepared(self, row: _Row) -> _Prepared:
        unsubscribe = self._unsubscribe_url(row.recipient_id)
        if self.raw:
            if row.language not in self._languages:
                self._languages[row.language] = language_of(User(language=row.language))
            language = self._languages[row.language]
            key = (language, row.title, row.body, row.url)
            if key not in self._slotted:
                self._slotted[key] = slotted_email_kept(language=language, title=row.title, body=row.body, url=row.url)
            slotted = self._slotted[key]
            data = slotted.filled(to=row.address, unsubscribe=unsubscribe) if slotted is not None else None
            if slotted is not None and data is not None:
                return _RawMessage(envelope_from=slotted.envelope_from, to=row.address, data=data)
        recipient = User(pk=row.recipient_id, email=row.address, language=row.language)
        return notification_email(Notification(recipient=recipient, title=row.title, body=row.body, url=row.url))


class _Outbox:
    """One SMTP connection, opened at its first message."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = get_connection()
        self.opened = False

    @property
    def raw(self) -> bool:
        return isinstance(self.backend, SMTPBackend)

    def send(self, prepared: _Prepared) -> bool:
        """True when the server took the message; raises ``SMTP_REFUSALS`` when it refused it, and
        anything else when the connection failed (the message may or may not have arrived)."""
        if not self.opened:
            self.backend.open()
            self.opened = True
        if isinstance(prepared, _RawMessage):
            connection = getattr(self.backend, "connection", None)
            if connection is None:
                raise smtplib.SMTPServerDisconnected("the SMTP connection is closed")
            connection.sendmail(prepared.envelope_from, [prepared.to], prepared.data)  # a refused recipient raises
            return True
        prepared.connection = self.backend
        return bool(self.backend.send_messages([prepared]))

    def close(self) -> None:
        if self.opened:
            self.backend.close()


@dataclass
class _Lane:
    """The messages one SMTP connection sends, one after the other, and what became of them."""

    work: list[tuple[int, _Prepared]]
    accepted: list[int] = field(default_factory=list)
    error: Exception | None = None


def _lanes(work: list[tuple[int, _Prepared]], outbox: _Outbox) -> list[_Lane]:
    """The chunk dealt over up to ``SMTP_LANES`` connections, ``LANE_MIN_MESSAGES`` messages each at least.

    One lane only unless the backend is Django's SMTP backend on PostgreSQL: the other lanes run in
    threads with database connections of their own, which SQLite (the embedded mode: one writer at a
    time) and the tests' uncommitted transactions do not allow."""
    count = 1
    if outbox.raw and connection.vendor == "postgresql":
        count = max(1, min(SMTP_LANES, len(work) // LANE_MIN_MESSAGES))
    return [_Lane(work=work[index::count]) for index in range(count)]


def _send_lane(lane: _Lane, outbox: _Outbox) -> None:
    """Claim and send the lane's messages in turn; stops at the first failure of the connection
    (``lane.error``), leaving the rows after it pending."""
    for delivery_id, prepared in lane.work:
        if not _claimed(delivery_id):
            continue  # another run has it
        try:
            accepted = outbox.send(prepared)
        except SMTP_REFUSALS as refusal:
            _finish(delivery_id, State.FAILED, error=repr(refusal))
            continue
        except Exception as error:
            if not outbox.opened:
                _finish(delivery_id, State.PENDING)  # could not connect: nothing went out, the sweep retries it
            # Else the connection failed mid-message: the row stays in ``sending``, unknown whether it
            # arrived, and is never re-sent (module docstring).
            lane.error = error
            return
        if accepted:
            lane.accepted.append(delivery_id)
        else:
            _finish(delivery_id, State.FAILED, error="the email backend sent nothing")


def _send_lane_in_thread(lane: _Lane, outbox: _Outbox) -> None:
    try:
        _send_lane(lane, outbox)
    finally:
        connection.close()  # this thread's database connection (back to the pool)


def _send_chunk(delivery_ids: list[int]) -> int:
    rows = _pending_rows(delivery_ids)
    if not rows:
        return 0
    outboxes = [_Outbox()]
    with renderings_shared():
        messages = _Messages(raw=outboxes[0].raw)
        # Every message is built before any claim: a template error leaves the rows pending, not in doubt.
        work = [(row.delivery_id, messages.prepared(row)) for row in rows]
    lanes = _lanes(work, outboxes[0])
    outboxes += [_Outbox() for _lane in lanes[1:]]
    try:
        if len(lanes) == 1:
            _send_lane(lanes[0], outboxes[0])
        else:
            with ThreadPoolExecutor(max_workers=len(lanes) - 1) as threads:
                others = [threads.submit(_send_lane_in_thread, lane, outbox)
                          for lane, outbox in zip(lanes[1:], outboxes[1:], strict=True)]  # fmt: skip
                _send_lane(lanes[0], outboxes[0])
                for other in others:
                    other.result()
    finally:
        accepted = [delivery_id for lane in lanes for delivery_id in lane.accepted]
        _mark_sent(accepted)
        for outbox in outboxes:
            outbox.close()
    errors = [lane.error for lane in lanes if lane.error is not None]
    if errors:
        raise errors[0]
    return sum(len(lane.accepted) for lane in lanes)


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
