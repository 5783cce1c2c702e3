"""The daily digest: once a day, one email per "daily_digest" user with what they have not read.

Due at the first hourly tick at or after ``NOTIFICATION_DIGEST_HOUR_UTC`` (07:00 UTC; per-user
time zones come with issue 13), for every daily_digest user with an address and no digest row for
that UTC day. "Due" is computed at each tick from the rows, so a missed tick or a lost task is
caught up by the next tick of the same day.

Once per day, at most once: the ``DigestDelivery`` row (unique per user and day) is inserted before
anything is read or sent, and only the run whose insert succeeded sends. A digest covers the
notifications created after the previous digest's ``covers_until`` (the first one: the past 24
hours) up to the claim, that are still unread, meant for email (``by_email``) and not emailed
already (an ``EmailDelivery`` or ``MessageEmail`` from before the user chose the digest). None:
the row says ``empty`` and nothing is sent. The email is in the recipient's language.

A connection that cannot be opened deletes the claims of the chunk not yet sent (nothing went out)
so the next tick tries again; a send that breaks half-way leaves its row ``sending``, never re-sent,
marked ``unconfirmed`` after ``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS``.
"""

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from notifications.delivery import SMTP_REFUSALS
from notifications.emails import digest_email
from notifications.models import DigestDelivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

State = DigestDelivery.State
DIGEST_MAX_NOTIFICATIONS = 100  # a longer digest lists the newest; the inbox has them all


def digest_due_user_ids(now: datetime | None = None) -> list[int]:
    """The users whose digest of today is due and not claimed yet (none before the digest hour)."""
    now = now or timezone.now()
    if now.hour < settings.NOTIFICATION_DIGEST_HOUR_UTC:
        return []
    claimed_today = DigestDelivery.objects.filter(user_id=OuterRef("user_id"), day=now.date())
    due = (
        NotificationPreference.objects.filter(
            email=NotificationPreference.Email.DAILY_DIGEST, user__is_active=True, user__email__gt=""
        )
        .exclude(Exists(claimed_today))
        .order_by("user_id")
    )
    return list(due.values_list("user_id", flat=True))


def digests_chunks(now: datetime | None = None) -> list[list[int]]:
    """Today's due digests in chunks of ``NOTIFICATION_EMAIL_CHUNK`` users (one task and one SMTP
    connection each); also marks digests a worker died on as ``unconfirmed``."""
    now = now or timezone.now()
    stuck = DigestDelivery.objects.filter(
        state=State.SENDING,
        created_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS),
    ).update(state=State.UNCONFIRMED, error="claimed but never confirmed sent (worker died or connection lost)")
    if stuck:
        logger.warning("digests: %d left unconfirmed, not re-sent (at most once)", stuck)
    ids = digest_due_user_ids(now)
    size = settings.NOTIFICATION_EMAIL_CHUNK
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def digests_send(*, user_ids: Iterable[int]) -> int:
    """Send today's digest to each of these users whose digest is due and unclaimed, over one SMTP
    connection; returns how many were sent. Safe to run twice (the claims)."""
    now = timezone.now()
    if now.hour < settings.NOTIFICATION_DIGEST_HOUR_UTC:
        return 0
    connection: BaseEmailBackend | None = None
    sent = 0
    claims = list(_claims(sorted(set(user_ids)), now))
    try:
        for index, (claim, user, notifications) in enumerate(claims):
            message = digest_email(recipient=user, notifications=notifications)
            if connection is None:
                connection = get_connection()
                try:
                    connection.open()
                except Exception:
                    # Nothing of these went out: give the day back to the next tick.
                    DigestDelivery.objects.filter(pk__in=[later.pk for later, _u, _n in claims[index:]]).delete()
                    raise
            message.connection = connection
            try:
                accepted = connection.send_messages([message])
            except SMTP_REFUSALS as refusal:
                _finish(claim, State.FAILED, error=repr(refusal))
                continue
            if accepted:
                _finish(claim, State.SENT)
                sent += 1
            else:
                _finish(claim, State.FAILED, error="the email backend sent nothing")
    finally:
        if connection is not None:
            connection.close()
    return sent


def _claims(user_ids: list[int], now: datetime) -> Iterator[tuple[DigestDelivery, User, list[Notification]]]:
    """Claim each user's digest of today; yields those with something to send (the empty ones are
    recorded as such)."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").in_bulk()
    wanting = set(
        NotificationPreference.objects.filter(
            user_id__in=list(users), email=NotificationPreference.Email.DAILY_DIGEST
        ).values_list("user_id", flat=True)
    )
    for user_id in user_ids:
        user = users.get(user_id)
        if user is None or user_id not in wanting:
            continue
        since = (
            DigestDelivery.objects.filter(user_id=user_id, day__lt=now.date())
            .order_by("-day")
            .values_list("covers_until", flat=True)
            .first()
        ) or now - timedelta(days=1)
        try:
            with transaction.atomic():
                claim = DigestDelivery.objects.create(user=user, day=now.date(), covers_until=now)
        except IntegrityError:
            continue  # claimed by another run
        notifications = list(digest_notifications(user=user, since=since, until=now))
        if not notifications:
            _finish(claim, State.EMPTY)
            continue
        claim.notification_count = len(notifications)
        claim.save(update_fields=["notification_count"])
        yield claim, user, notifications


def digest_notifications(*, user: User, since: datetime, until: datetime) -> QuerySet[Notification]:
    """What a digest covering (since, until] lists: unread, meant for email, not emailed already;
    the newest ``DIGEST_MAX_NOTIFICATIONS``, oldest first."""
    newest = (
        Notification.objects.filter(
            recipient=user,
            by_email=True,
            read_at__isnull=True,
            created_at__gt=since,
            created_at__lte=until,
            email_delivery__isnull=True,
            message_email__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:DIGEST_MAX_NOTIFICATIONS]
    )
    return Notification.objects.filter(pk__in=list(newest)).order_by("created_at", "pk")


def _finish(claim: DigestDelivery, state: DigestDelivery.State, *, error: str = "") -> None:
    fields: dict[str, object] = {"state": state, "error": error[:2000]}
    if state == State.SENT:
        fields["sent_at"] = timezone.now()
    DigestDelivery.objects.filter(pk=claim.pk).update(**fields)
