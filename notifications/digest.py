"""The daily digest: once a local day, at the hour each user chose in their time zone, one email
with what happened in the objectives they follow and what they have not read.

**When.** Beat runs ``send_daily_digests`` every hour. A "daily_digest" user (active, with an
address) is due when, in their zone (``NotificationPreference.timezone``), the local time is at or
past their ``digest_hour`` today (a missed tick is caught up by the next one of the same local day)
and they have no digest of this local day yet. The tick computes the local date, hour and midnight
of each zone in use once (a few hundred zones at most) and selects the due users in one query.

**Once per local day, at most once.** The ``DigestDelivery`` row (unique per user and ``day``, the
local date) is inserted before anything is read or sent, and only the run that inserted it sends.
A user is not due while a digest of theirs covers a moment after their local midnight, whatever
zone it was claimed in: changing the zone mid-day (Tokyo to New York, whose date is still
yesterday) never brings a second digest within one local day; a change far enough west may skip a
day instead, never the reverse. DST needs nothing more: on a day with no 02:00 (spring forward),
the 03:00 tick is past a digest hour of 2; on a day with two 01:00 (fall back), the second finds
the first's claim of the same date.

**What.** A digest covers what happened after the previous digest's ``covers_until`` (the first:
the past 24 hours; sections look back ``DIGEST_LOOKBACK_MAX`` at most) up to the claim. Per
followed objective (``Subscription.objectives``, in the taxonomy's order), the sections that apps
register in ``notifications.digest_sections`` (approved resources, upcoming events, the busiest
discussions, open expert questions, ...); then the user's notifications that are still unread,
meant for email (``by_email``) and not emailed already, but for those about something a section
lists (an event's unread announcement appears under the event's objective). Nothing: the row says
``empty`` and nothing is sent. The email is in the recipient's language, times in their zone.

**Cost.** Everything is set-based over a chunk of ``NOTIFICATION_EMAIL_CHUNK`` users: a fixed
number of queries per chunk whatever its size (claims, users, subscriptions, notifications, one
or a few per section, the final states), measured in ``tests/notifications/test_digest_queries.py``.

**Failures.** A connection that cannot be opened deletes the chunk's claims not sent yet (nothing
went out) so the next tick tries again. Each row is marked ``attempted_at`` (committed) right before
its email is handed to the server. A worker that dies mid-chunk leaves its claims ``sending``; after
``NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS`` those never attempted are deleted, so the next tick
claims and sends them (once), and the one it died on, attempted, is marked ``unconfirmed`` and
never re-sent (it may have arrived): at most one row in doubt per dead worker.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import User
from gcm.models import Objective
from gcm.selectors import objectives_in_order
from notifications.delivery import SMTP_REFUSALS
from notifications.digest_email import digest_email_build
from notifications.digest_sections import (
    DIGEST_ITEMS_PER_SECTION,
    DigestBatch,
    DigestItem,
    DigestReader,
    DigestSection,
    digest_sections,
)
from notifications.models import DigestDelivery, Notification, NotificationPreference, Subscription

logger = logging.getLogger(__name__)

State = DigestDelivery.State
DIGEST_MAX_NOTIFICATIONS = 100  # a longer digest lists the newest; the inbox has them all
# The sections never look further back than this (a user back to the digest after months).
DIGEST_LOOKBACK_MAX = timedelta(days=7)


# --- When: each zone's local day ---------------------------------------------------------------


@dataclass(frozen=True)
class LocalDay:
    """``now`` as seen in one zone: the local date and hour, and when that date began (in UTC)."""

    day: date
    hour: int
    midnight: datetime


def zone_of(name: str) -> ZoneInfo:
    """The zone named ``name``; UTC for a name this system no longer knows (the serializer checked it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(zone_name: str, now: datetime) -> LocalDay:
    zone = zone_of(zone_name)
    local = now.astimezone(zone)
    # Midnight may not exist (a DST jump at 00:00): zoneinfo then reads it with the offset before the jump.
    midnight = datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))
    return LocalDay(day=local.date(), hour=local.hour, midnight=midnight)


def _digest_users(user_ids: Iterable[int] | None = None) -> QuerySet[NotificationPreference]:
    wanting = NotificationPreference.objects.filter(
        email=NotificationPreference.Email.DAILY_DIGEST, user__is_active=True, user__email__gt=""
    )
    return wanting if user_ids is None else wanting.filter(user_id__in=list(user_ids))


def _due(now: datetime, user_ids: Iterable[int] | None = None) -> QuerySet[NotificationPreference]:
    """The digest users whose digest of their local today is due now and not claimed (two queries:
    the zones in use, then the users; the zones that share a local date, hour and midnight share a
    condition)."""
    candidates = _digest_users(user_ids)
    zones = candidates.order_by().values_list("timezone", flat=True).distinct()
    by_moment: defaultdict[LocalDay, list[str]] = defaultdict(list)
    for zone_name in zones:
        by_moment[local_day(zone_name, now)].append(zone_name)
    due = Q(pk__in=[])
    for moment, zone_names in by_moment.items():
        # Claimed for this local date, or since this local midnight in whatever zone it was then.
        claimed = DigestDelivery.objects.filter(user_id=OuterRef("user_id")).filter(
            Q(day=moment.day) | Q(covers_until__gte=moment.midnight)
        )
        due |= Q(timezone__in=zone_names, digest_hour__lte=moment.hour) & ~Q(Exists(claimed))
    return candidates.filter(due)


def digest_due_user_ids(now: datetime | None = None) -> list[int]:
    """The users whose digest is due now in their zone and not claimed yet."""
    return list(_due(now or timezone.now()).order_by("user_id").values_list("user_id", flat=True))


def digests_chunks(now: datetime | None = None) -> list[list[int]]:
    """The digests due at ``now`` in chunks of ``NOTIFICATION_EMAIL_CHUNK`` users (one task and one
    SMTP connection each); also marks digests a worker died on as ``unconfirmed`` (by the wall
    clock: a ``now`` given for a test moves the digest hour, not how long a send may take)."""
    stale = DigestDelivery.objects.filter(
        state=State.SENDING,
        created_at__lt=timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS),
    )
    # Never handed to the server (the worker died before their turn): the day goes back to the
    # next tick, which claims and sends them once.
    returned, _by_model = stale.filter(attempted_at=None).delete()
    stuck = stale.exclude(attempted_at=None).update(
        state=State.UNCONFIRMED, error="claimed but never confirmed sent (worker died or connection lost)"
    )
    if returned:
        logger.warning("digests: %d claims of a dead run given back to the next tick", returned)
    if stuck:
        logger.warning("digests: %d left unconfirmed, not re-sent (at most once)", stuck)
    ids = digest_due_user_ids(now)
    size = settings.NOTIFICATION_EMAIL_CHUNK
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- Claims ------------------------------------------------------------------------------------


@dataclass
class Claim:
    delivery: DigestDelivery
    since: datetime  # the end of the previous digest (the first: a day before the claim)
    zone: str


def _claims(user_ids: list[int], now: datetime) -> dict[int, Claim]:
    """Claim the digests of these users that are due at ``now``: one ``DigestDelivery`` each,
    committed before anything is read or sent. Five queries whatever the number of users.

    The preference rows are locked first (in id order: two runs never deadlock), then due-ness is
    read again by a new statement, which on PostgreSQL sees the claims a concurrent run committed
    while we waited: only one of two runs claims a user, and the unique (user, day) backs it.
    """
    with transaction.atomic():
        list(
            NotificationPreference.objects.select_for_update()
            .filter(user_id__in=user_ids)
            .order_by("user_id")
            .values_list("pk")
        )
        due = dict(_due(now, user_ids).values_list("user_id", "timezone"))
        if not due:
            return {}
        previous = dict(
            DigestDelivery.objects.filter(user_id__in=list(due))
            .order_by()
            .values("user_id")
            .annotate(last=Max("covers_until"))
            .values_list("user_id", "last")
        )
        deliveries = DigestDelivery.objects.bulk_create(
            [
                DigestDelivery(user_id=user_id, day=local_day(zone_name, now).day, covers_until=now)
                for user_id, zone_name in sorted(due.items())
            ]
        )
    return {
        delivery.user_id: Claim(
            delivery=delivery,
            since=previous.get(delivery.user_id) or now - timedelta(days=1),
            zone=due[delivery.user_id],
        )
        for delivery in deliveries
    }


# --- What: the content of a batch ----------------------------------------------------------------


@dataclass
class ObjectiveContent:
    """One followed objective's sections (section -> items, best first; empty sections left out)."""

    objective: Objective
    sections: list[tuple[DigestSection, list[DigestItem]]] = field(default_factory=list)


@dataclass
class DigestContent:
    """One user's digest: per followed objective, then their notifications."""

    user: User
    zone: str
    objectives: list[ObjectiveContent]
    notifications: list[Notification]

    @property
    def item_count(self) -> int:
        listed = sum(len(items) for objective in self.objectives for _section, items in objective.sections)
        return listed + len(self.notifications)


def digest_notifications_of(claims: Mapping[int, Claim], until: datetime) -> dict[int, list[Notification]]:
    """For each claimed user, the notifications their digest lists: created in (since, until],
    unread, meant for email, not emailed already; the newest ``DIGEST_MAX_NOTIFICATIONS``, oldest
    first. One query for the whole batch (a window function numbers each user's newest)."""
    if not claims:
        return {}
    earliest = min(claim.since for claim in claims.values())
    rows = (
        Notification.objects.filter(
            recipient_id__in=list(claims),
            by_email=True,
            read_at__isnull=True,
            created_at__gt=earliest,
            created_at__lte=until,
            email_delivery__isnull=True,
            message_email__isnull=True,
        )
        .annotate(
            newest=Window(
                RowNumber(), partition_by=[F("recipient_id")], order_by=[F("created_at").desc(), F("pk").desc()]
            )
        )
        .filter(newest__lte=DIGEST_MAX_NOTIFICATIONS)
        .order_by("recipient_id", "created_at", "pk")
    )
    found: defaultdict[int, list[Notification]] = defaultdict(list)
    for notification in rows:
        if notification.created_at > claims[notification.recipient_id].since:
            found[notification.recipient_id].append(notification)
    return found


def digest_contents(claims: Mapping[int, Claim], until: datetime) -> list[DigestContent]:
    """What each claimed user's digest holds, set-based: users, subscriptions, notifications, then
    each registered section once for the whole batch."""
    users = User.objects.filter(pk__in=list(claims)).in_bulk()
    followed = dict(Subscription.objects.filter(user_id__in=list(claims)).values_list("user_id", "objectives"))
    floor = until - DIGEST_LOOKBACK_MAX
    batch = DigestBatch(
        readers={
            user_id: DigestReader(
                user_id=user_id, objectives=frozenset(followed.get(user_id) or ()), since=max(claim.since, floor)
            )
            for user_id, claim in claims.items()
        },
        until=until,
    )
    notifications = digest_notifications_of(claims, until)
    sections = digest_sections()
    found = {section.key: section.provider(batch) if batch.objectives else {} for section in sections}
    objectives_by_key = {objective.key: objective for objective in objectives_in_order()}
    contents = []
    for user_id, claim in sorted(claims.items()):
        user = users.get(user_id)
        if user is None:
            continue
        objectives = []
        for objective in objectives_by_key.values():
            if objective.key not in batch.readers[user_id].objectives:
                continue
            key = objective.key
            content = ObjectiveContent(objective=objective)
            for section in sections:
                items = list(found[section.key].get((user_id, key), ()))[:DIGEST_ITEMS_PER_SECTION]
                if items:
                    content.sections.append((section, items))
            if content.sections:
                objectives.append(content)
        # A notification about something a section lists (an event's announcement) is shown there,
        # under its objective, not again among the notifications.
        listed = {item.url for content in objectives for _section, items in content.sections for item in items}
        unlisted = [notification for notification in notifications.get(user_id, []) if notification.url not in listed]
        contents.append(DigestContent(user=user, zone=claim.zone, objectives=objectives, notifications=unlisted))
    return contents


# --- Sending -----------------------------------------------------------------------------------


def digests_send(*, user_ids: Iterable[int], now: datetime | None = None) -> int:
    """Send the digest due at ``now`` to each of these users that has one due and unclaimed, over
    one SMTP connection; returns how many were sent. Safe to run twice (the claims)."""
    now = now or timezone.now()
    claims = _claims(sorted(set(user_ids)), now)
    if not claims:
        return 0
    contents = digest_contents(claims, now)
    finished: dict[int, tuple[DigestDelivery.State, str]] = {}
    to_send = []
    for content in contents:
        if content.item_count:
            to_send.append(content)
        else:
            finished[content.user.pk] = (State.EMPTY, "")
    for user_id in claims.keys() - {content.user.pk for content in contents}:
        finished[user_id] = (State.EMPTY, "")  # the account went away meanwhile
    connection: BaseEmailBackend | None = None
    sent = 0
    try:
        for index, content in enumerate(to_send):
            message: EmailMultiAlternatives = digest_email_build(content)
            if connection is None:
                connection = get_connection()
                try:
                    connection.open()
                except Exception:
                    # Nothing of these went out: give the day back to the next tick.
                    unsent = [claims[later.user.pk].delivery.pk for later in to_send[index:]]
                    DigestDelivery.objects.filter(pk__in=unsent).delete()
                    for later in to_send[index:]:
                        del claims[later.user.pk]
                    raise
            message.connection = connection
            # Committed before the send: from here on, a worker dying leaves this one in doubt.
            DigestDelivery.objects.filter(pk=claims[content.user.pk].delivery.pk).update(attempted_at=timezone.now())
            try:
                accepted = connection.send_messages([message])
            except SMTP_REFUSALS as refusal:
                finished[content.user.pk] = (State.FAILED, repr(refusal))
                continue
            if accepted:
                finished[content.user.pk] = (State.SENT, "")
                sent += 1
            else:
                finished[content.user.pk] = (State.FAILED, "the email backend sent nothing")
    finally:
        if connection is not None:
            connection.close()
        _finish(claims, finished, {content.user.pk: len(content.notifications) for content in contents})
    return sent


def _finish(
    claims: Mapping[int, Claim], finished: Mapping[int, tuple[DigestDelivery.State, str]], counts: Mapping[int, int]
) -> None:
    """Record every finished claim in one UPDATE (a claim not finished stays ``sending``)."""
    sent_at = timezone.now()
    rows = []
    for user_id, (state, error) in finished.items():
        if user_id not in claims:
            continue
        delivery = claims[user_id].delivery
        delivery.state = state
        delivery.error = error[:2000]
        delivery.sent_at = sent_at if state == State.SENT else None
        delivery.notification_count = counts.get(user_id, 0)
        rows.append(delivery)
    if rows:
        DigestDelivery.objects.bulk_update(rows, ["state", "error", "sent_at", "notification_count"])
