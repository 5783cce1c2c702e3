"""Sending deliveries: in order per webhook, retried for a day, never again after a 2xx.

How:

- **One sender per webhook at a time.** ``webhook_queue_send`` first takes the webhook's lease
  (one guarded UPDATE of ``sender_claim``/``sender_lease_until``); a task that finds it taken
  returns at once: the holder sends its rows too. The lease is renewed before every request and
  runs out (``LEASE_SECONDS``) if the worker dies, so the next task or the sweep takes over.
- **In order.** The sender always takes the *head* of the webhook's queue: the oldest delivery
  still pending (or sending). The next one waits until the head is delivered or given up; a head
  waiting for its retry holds the queue, and the sender schedules itself for then.
- **Claimed before sending, never repeated after a 2xx.** Before the request the head is claimed
  with one guarded UPDATE (``state='pending' AND attempts=n`` → ``sending``, ``attempts=n+1``);
  only the run whose UPDATE changed the row sends attempt n+1. A 2xx makes it ``delivered`` and
  nothing ever sends it again. A non-2xx or an error (no answer, refused, timeout) is an attempt
  the receiver did not take: back to pending for a retry with exponential backoff and jitter
  (``retry_delay``), for ``WEBHOOK_RETRY_FOR_SECONDS`` from the first attempt; then ``failed``.
  A worker that dies *during* the request leaves the row ``sending``: the receiver may have
  answered 2xx, so it is never sent again automatically (``unconfirmed``, found when the lease
  ran out), like the email deliveries (``notifications.delivery``); its owner can redeliver it.
- **Disabled after a day of failures.** A delivery given up disables its webhook (the head failed
  for a day, so every request for a day failed), skips the rest of its queue and tells its owner.
"""

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from notifications.models import Notification
from webhooks.destinations import DestinationRefused, destination_checked
from webhooks.models import SKIPPED_ERROR, UNCONFIRMED_ERROR, Delivery, DeliveryAttempt, Webhook
from webhooks.outbox import routes_changed
from webhooks.sending import Answer, post
from webhooks.signing import delivery_body, delivery_headers

logger = logging.getLogger(__name__)

State = Delivery.State

# Longer than any request (the timeout) with room to record its outcome; renewed per request.
LEASE_SECONDS = 60
DISABLED_NOTIFICATION_KIND = Notification.Kind.WEBHOOK_DISABLED
# Requests one task run makes at most before handing over to a new task (other webhooks' turns).
SEND_MAX_PER_RUN = 100


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...): ``base * 2^(n-1)`` capped
    at ``WEBHOOK_RETRY_MAX_SECONDS``, of which a random half ("equal jitter"), so that receivers
    coming back after an outage are not hit by every webhook in the same second."""
    ceiling: float = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** min(attempt - 1, 30)
    )
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


@dataclass(frozen=True)
class RunOutcome:
    leased: bool  # this run held the webhook's lease (else another sender had it)
    sent: int  # requests made
    wake_at: datetime | None  # when this webhook's head is due again (a retry waiting), if it is


def _lease(webhook_id: int, claim: uuid.UUID) -> bool:
    now = timezone.now()
    free = Q(sender_lease_until__isnull=True) | Q(sender_lease_until__lt=now) | Q(sender_claim=claim)
    return bool(
        Webhook.objects.filter(free, pk=webhook_id, active=True).update(
            sender_claim=claim, sender_lease_until=now + timedelta(seconds=LEASE_SECONDS)
        )
    )


def _release(webhook_id: int, claim: uuid.UUID) -> None:
    Webhook.objects.filter(pk=webhook_id, sender_claim=claim).update(sender_claim=None, sender_lease_until=None)


def _head(webhook_id: int) -> Delivery | None:
    return (
        Delivery.objects.filter(webhook_id=webhook_id, state__in=[State.PENDING, State.SENDING]).order_by("pk").first()
    )


def _claimed(delivery: Delivery, now: datetime) -> bool:
    """Attempt ``attempts + 1`` of ``delivery`` belongs to this run only if this UPDATE changed the row."""
    fields: dict[str, object] = {"state": State.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    if delivery.first_attempt_at is None:
        fields["first_attempt_at"] = now
    changed = Delivery.objects.filter(pk=delivery.pk, state=State.PENDING, attempts=delivery.attempts).update(**fields)
    return changed == 1


def _record(delivery: Delivery, number: int, started: datetime, answer: Answer) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery, number=number, started_at=started, duration_ms=answer.duration_ms,
        status_code=answer.status_code, error=answer.error[:500],
    )  # fmt: skip


def _attempt(webhook: Webhook, delivery: Delivery) -> Answer:
    """One request for the claimed ``delivery``; the destination is checked again (DNS may have changed)."""
    try:
        destination = destination_checked(webhook.url)
    except DestinationRefused as refusal:
        return Answer(None, str(refusal), 0)
    body = delivery_body(
        event=delivery.event, delivery_id=delivery.pk, created_at=delivery.created_at, data=delivery.data
    )
    headers = delivery_headers(event=delivery.event, delivery_id=delivery.pk, secret=webhook.secret, body=body)
    return post(destination, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)


def _settle(webhook: Webhook, delivery: Delivery, number: int, answer: Answer, started: datetime) -> None:
    """Record the attempt and move the row out of ``sending``: delivered, retry, or given up."""
    now = timezone.now()
    first = delivery.first_attempt_at or started
    common = {"status_code": answer.status_code, "error": answer.error[:500]}
    with transaction.atomic():
        _record(delivery, number, started, answer)
        sending = Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, attempts=number)
        if answer.accepted:
            sending.update(state=State.DELIVERED, finished_at=now, **common)
            return
        give_up_at = first + timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS)
        if now >= give_up_at:
            sending.update(state=State.FAILED, finished_at=now, **common)
            webhook_disable(
                webhook_id=webhook.pk,
                reason=gettext("Every delivery failed for %(hours)d hours; the last attempt: %(last)s")
                % {"hours": settings.WEBHOOK_RETRY_FOR_SECONDS // 3600, "last": answer.status_code or answer.error},
            )
            return
        retry_at = min(now + timedelta(seconds=retry_delay(number)), give_up_at)
        sending.update(state=State.PENDING, next_attempt_at=retry_at, **common)


def webhook_queue_send(*, webhook_id: int, max_requests: int = SEND_MAX_PER_RUN) -> RunOutcome:
    """Send what is due in the webhook's queue, in order, under its lease. Safe to run at once
    with itself and twice with the same id: see the module docstring."""
    claim = uuid.uuid4()
    if not _lease(webhook_id, claim):
        return RunOutcome(False, 0, None)
    sent = 0
    wake_at: datetime | None = None
    try:
        while sent < max_requests and _lease(webhook_id, claim):
            webhook = Webhook.objects.filter(pk=webhook_id).first()
            head = _head(webhook_id) if webhook is not None else None
            if webhook is None or head is None:
                break
            now = timezone.now()
            if head.state == State.SENDING:
                # Only a sender that lost its lease (its worker died) leaves the head sending.
                lost_before = now - timedelta(seconds=LEASE_SECONDS)
                if head.claimed_at is not None and head.claimed_at >= lost_before:
                    wake_at = head.claimed_at + timedelta(seconds=LEASE_SECONDS)
                    break
                Delivery.objects.filter(pk=head.pk, state=State.SENDING).update(
                    state=State.UNCONFIRMED, finished_at=now,
                    error=str(UNCONFIRMED_ERROR),
                )  # fmt: skip
                logger.warning("webhook %s: delivery %s left unconfirmed (never re-sent)", webhook_id, head.pk)
                continue
            if head.next_attempt_at > now:
                wake_at = head.next_attempt_at
                break
            if not _claimed(head, now):
                continue
            number = head.attempts + 1
            if head.first_attempt_at is None:
                head.first_attempt_at = now
            answer = _attempt(webhook, head)
            sent += 1
            _settle(webhook, head, number, answer, now)
    finally:
        _release(webhook_id, claim)
    return RunOutcome(True, sent, wake_at)


def webhook_due(webhook_id: int) -> bool:
    """Whether the webhook's head can be sent now (asked after a run, to hand over to a new task)."""
    head = _head(webhook_id)
    return head is not None and head.state == State.PENDING and head.next_attempt_at <= timezone.now()


def webhook_disable(*, webhook_id: int, reason: str) -> bool:
    """Disable the webhook (after a day of failures), skip its queue and tell its owner, in the
    caller's transaction. False if it was disabled already."""
    from notifications.services import notification_create

    now = timezone.now()
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().select_related("owner").filter(pk=webhook_id, active=True).first()
        if webhook is None:
            return False
        webhook.active = False
        webhook.disabled_at = now
        webhook.disabled_reason = reason[:300]
        webhook.save(update_fields=["active", "disabled_at", "disabled_reason"])
        Delivery.objects.filter(webhook_id=webhook_id, state=State.PENDING).update(
            state=State.SKIPPED, finished_at=now, error=str(SKIPPED_ERROR)
        )
        notification_create(
            recipient=webhook.owner,
            kind=DISABLED_NOTIFICATION_KIND,
            title=gettext_lazy("Your webhook to %(url)s was disabled"),
            body=gettext_lazy(
                "Its deliveries failed for a day, so the Hub stopped sending to it. Fix the receiver, "
                "then enable the webhook again and redeliver what it missed."
            ),
            params={"url": webhook.url[:200]},
            url="",
            source_key=f"webhook-disabled:{webhook.pk}:{now.isoformat()}",
        )
        transaction.on_commit(routes_changed)
    return True


def webhook_deliveries_sweep() -> list[int]:
    """What the normal path missed; returns the webhooks to send for.

    Those whose head (the oldest delivery not finished) is pending and due (its task was lost: the
    broker was down at commit, or the retry's countdown task vanished), or sending with a lease run
    out (its worker died), and that no sender holds now. A head waiting for its retry is not due.
    Also deletes finished deliveries older than ``WEBHOOK_DELIVERY_RETENTION_DAYS``.
    """
    now = timezone.now()
    keep_after = now - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    Delivery.objects.filter(
        state__in=[State.DELIVERED, State.FAILED, State.SKIPPED, State.UNCONFIRMED], finished_at__lt=keep_after
    ).delete()
    stale = now - timedelta(seconds=LEASE_SECONDS)
    head = Delivery.objects.filter(webhook_id=OuterRef("pk"), state__in=[State.PENDING, State.SENDING]).order_by("pk")
    free = Q(sender_lease_until__isnull=True) | Q(sender_lease_until__lt=now)
    webhooks = (
        Webhook.objects.filter(free, active=True)
        .annotate(
            head_state=Subquery(head.values("state")[:1]),
            head_due_at=Subquery(head.values("next_attempt_at")[:1]),
            head_claimed_at=Subquery(head.values("claimed_at")[:1]),
        )
        .filter(
            Q(head_state=State.PENDING, head_due_at__lte=now) | Q(head_state=State.SENDING, head_claimed_at__lt=stale)
        )
    )
    return list(webhooks.order_by("pk").values_list("pk", flat=True))
