"""The JSON shapes of webhooks and deliveries (the OpenAPI document declares the same: ``schema``).

A webhook's ``secret`` is write-only: no shape carries it.
"""

from datetime import datetime
from typing import Any, TypedDict

from webhooks.models import Delivery, DeliveryAttempt, Webhook


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


class WebhookPayload(TypedDict):
    id: int
    url: str
    events: list[str]
    space: str | None
    owner: str
    active: bool
    disabled_at: str | None
    disabled_reason: str
    created_at: str | None


class AttemptPayload(TypedDict):
    number: int
    at: str | None
    status_code: int | None
    error: str
    duration_ms: int | None


class DeliveryPayload(TypedDict):
    id: int
    event: str
    status: str
    status_code: int | None
    error: str
    attempts: list[AttemptPayload]
    created_at: str | None
    next_attempt_at: str | None
    finished_at: str | None
    redelivery_of: int | None
    data: dict[str, Any]


def webhook_payload(webhook: Webhook) -> WebhookPayload:
    """Call with ``owner`` and ``space`` loaded (``selectors.webhooks_manageable_by``)."""
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": list(webhook.events),
        "space": webhook.space.slug if webhook.space is not None else None,
        "owner": webhook.owner.username,
        "active": webhook.active,
        "disabled_at": _iso(webhook.disabled_at),
        "disabled_reason": webhook.disabled_reason,
        "created_at": _iso(webhook.created_at),
    }


def attempt_payload(attempt: DeliveryAttempt) -> AttemptPayload:
    return {
        "number": attempt.number,
        "at": _iso(attempt.started_at),
        "status_code": attempt.status_code,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
    }


def delivery_payload(delivery: Delivery) -> DeliveryPayload:
    """Call with ``attempt_log`` prefetched (``selectors.deliveries_of``) or on a new delivery."""
    pending = delivery.state == Delivery.State.PENDING
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "status": delivery.state,
        "status_code": delivery.status_code,
        "error": delivery.error,
        "attempts": [attempt_payload(attempt) for attempt in delivery.attempt_log.all()],
        "created_at": _iso(delivery.created_at),
        "next_attempt_at": _iso(delivery.next_attempt_at) if pending else None,
        "finished_at": _iso(delivery.finished_at),
        "redelivery_of": delivery.redelivery_of_id,
        "data": delivery.data,
    }
