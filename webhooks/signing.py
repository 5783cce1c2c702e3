"""The body of a delivery and its signature (GitHub's scheme: ``X-Hub-Signature-256``).

The signature is the hex HMAC-SHA256 of the exact bytes sent, keyed with the webhook's secret,
prefixed ``sha256=``. Receivers recompute it over the raw body they received (before parsing it)
and compare with ``hmac.compare_digest`` (``scripts/webhook_receiver_example.py``).
"""

import hashlib
import hmac
from datetime import datetime
from typing import Any, TypedDict

import orjson

SIGNATURE_HEADER = "X-Hub-Signature-256"
EVENT_HEADER = "X-Hub-Event"
DELIVERY_HEADER = "X-Hub-Delivery"
USER_AGENT = "MigrationNetworkHub-Hookshot/1"


class DeliveryBody(TypedDict):
    event: str
    id: int
    created_at: str
    data: dict[str, Any]


def delivery_body(*, event: str, delivery_id: int, created_at: datetime, data: dict[str, Any]) -> bytes:
    body: DeliveryBody = {
        "event": event,
        "id": delivery_id,
        "created_at": created_at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return orjson.dumps(body)


def signature(*, secret: str, body: bytes) -> str:
    """``sha256=<hex>``: the value of ``X-Hub-Signature-256`` for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_valid(*, secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: compare in constant time (never ``==``, which leaks the prefix that matched)."""
    if not header:
        return False
    return hmac.compare_digest(signature(secret=secret, body=body), header)


def delivery_headers(*, event: str, delivery_id: int, secret: str, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: signature(secret=secret, body=body),
    }
