"""Deliveries written with their cause: the hooks other apps' services call inside their transaction.

Each hook writes one ``Delivery`` row per matching webhook (and per message), set-based, in the
caller's transaction, so a rolled-back cause sends nothing and a committed one cannot be lost:
the sender tasks are enqueued on commit, and the beat sweep finds rows whose task never ran.

The hot path: posting a message must cost nothing when no webhook wants messages. Which events
have active webhooks, and for which spaces, is kept per process (``_routes``) for
``WEBHOOK_ROUTES_CACHE_SECONDS``, forgotten at once in the process that changes a webhook
(``routes_changed``); another process sees a new webhook within that many seconds. While the
cache says nobody listens, a hook returns before any query.

Who hears what: ``message.*`` of a public space goes to webhooks without a space and to those of
that space; of a private space, only to webhooks of that space (never leaked to the others).
``event.*`` and ``resource.approved`` concern public things (a published event, an approved
resource) and go to every webhook that asked for them. Only webhooks whose owner is still entitled
hear anything: an active account that is staff, or still a moderator of the webhook's space.
"""

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from webhooks.models import Delivery, Webhook, WebhookEvent

if TYPE_CHECKING:
    from discussions.models import Message, Space
    from events.models import Event
    from experts.models import Resource


@dataclass(frozen=True)
class Routes:
    """Who listens to one event: webhooks without a space, and the spaces some webhook is scoped to."""

    unscoped: bool
    space_ids: frozenset[int]
    read_at: float  # time.monotonic()

    def wants(self, *, space_id: int | None, public: bool) -> bool:
        if space_id is None:
            return self.unscoped or bool(self.space_ids)
        return (public and self.unscoped) or space_id in self.space_ids


_routes: dict[str, Routes] = {}


def routes_changed() -> None:
    """Forget what this process knew (call on commit of any change to a webhook)."""
    _routes.clear()


def routes_for(event: str) -> Routes:
    known = _routes.get(event)
    if known is not None and time.monotonic() - known.read_at < settings.WEBHOOK_ROUTES_CACHE_SECONDS:
        return known
    space_ids = set(
        Webhook.objects.filter(active=True, events__overlaps=[event]).values_list("space_id", flat=True).distinct()
    )
    routes = Routes(
        unscoped=None in space_ids,
        space_ids=frozenset(space_id for space_id in space_ids if space_id is not None),
        read_at=time.monotonic(),
    )
    _routes[event] = routes
    return routes


# A sender task already queued for a webhook and not started yet will send what commits before it
# starts: further batches meanwhile need not queue another (a busy space would otherwise queue a
# task per batch and webhook, each costing the worker a lease attempt). The mark is a cache key
# set when a task is queued and removed when one starts (``sender_started``); it expires after
# NUDGE_SECONDS in case its task is lost (the sweep covers that case anyway). Not in embedded mode,
# whose cache is per process: the worker could not remove the server's mark.
NUDGE_SECONDS = 10


def _nudge_key(webhook_id: int) -> str:
    return f"webhooks:queued:{webhook_id}"


def _first_nudge(webhook_id: int) -> bool:
    """True if no sender task is known to be waiting for this webhook (and marks one as waiting)."""
    if settings.EMBEDDED:
        return True
    try:
        return bool(cache.add(_nudge_key(webhook_id), 1, timeout=NUDGE_SECONDS))
    except Exception:  # the cache is away: queue a task, which is always safe
        return True


def sender_started(webhook_id: int) -> None:
    """Called by a sender task as it starts: rows committed from now on need a task of their own."""
    if settings.EMBEDDED:
        return
    # If the cache is away, the mark expires by itself (a redundant task is harmless).
    with contextlib.suppress(Exception):
        cache.delete(_nudge_key(webhook_id))


def _enqueue_on_commit(webhook_ids: set[int]) -> None:
    def enqueue() -> None:
        from webhooks.tasks import send_webhook_deliveries

        for webhook_id in sorted(webhook_ids):
            if _first_nudge(webhook_id):
                send_webhook_deliveries.delay(webhook_id)

    transaction.on_commit(enqueue)


def _still_entitled() -> Q:
    """Webhooks whose owner may still have them: an active account that is staff, or still a
    moderator of the webhook's space (a moderator removed from a private space stops hearing it)."""
    from discussions.models import Membership

    moderates = Exists(
        Membership.objects.filter(
            user_id=OuterRef("owner_id"), space_id=OuterRef("space_id"), role=Membership.Role.MODERATOR
        )
    )
    return Q(owner__is_active=True) & (Q(owner__is_staff=True) | Q(moderates, space__isnull=False))


def _write(event: str, webhooks: Q, items: Sequence[dict[str, Any]]) -> int:
    """One row per (matching webhook, item), in item order; returns how many."""
    webhook_ids = list(
        Webhook.objects.filter(webhooks, _still_entitled(), active=True, events__overlaps=[event])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not webhook_ids:
        return 0
    now = timezone.now()
    rows = [
        Delivery(webhook_id=webhook_id, event=event, data=data, created_at=now, next_attempt_at=now)
        for data in items
        for webhook_id in webhook_ids
    ]
    Delivery.objects.bulk_create(rows)
    _enqueue_on_commit(set(webhook_ids))
    return len(rows)


def _message_webhooks(space: "Space") -> Q:
    if space.is_private:
        return Q(space_id=space.pk)
    return Q(space_id=space.pk) | Q(space__isnull=True)


def webhooks_messages(*, event: str, space: "Space", messages: Sequence["Message"]) -> int:
    """``message.new`` or ``message.updated`` of ``messages`` (of ``space``, authors and topics
    loaded). Call inside the transaction that stores them."""
    if not messages or not routes_for(event).wants(space_id=space.pk, public=not space.is_private):
        return 0
    from discussions.payloads import message_payload

    items = [dict(message_payload(message, space_slug=space.slug)) for message in messages]
    return _write(event, _message_webhooks(space), items)


def webhooks_message_new(*, space: "Space", messages: Sequence["Message"]) -> int:
    return webhooks_messages(event=WebhookEvent.MESSAGE_NEW, space=space, messages=messages)


def webhooks_message_updated(*, message: "Message") -> int:
    return webhooks_messages(event=WebhookEvent.MESSAGE_UPDATED, space=message.space, messages=[message])


def _event_item(event: "Event") -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    from events.models import Event
    from events.payloads.events import event_payload
    from events.selectors.events import with_counts

    return dict(event_payload(with_counts(Event.objects.filter(pk=event.pk), AnonymousUser()).get()))


def webhooks_event_published(*, event: "Event") -> int:
    """Call inside the transaction that publishes ``event``."""
    if not routes_for(WebhookEvent.EVENT_PUBLISHED).wants(space_id=None, public=True):
        return 0
    return _write(WebhookEvent.EVENT_PUBLISHED, Q(), [_event_item(event)])


def webhooks_event_cancelled(*, event: "Event") -> int:
    """Call inside the transaction that cancels ``event``. A draft that was never published was
    never public: its cancellation is nobody's business."""
    if event.published_at is None or not routes_for(WebhookEvent.EVENT_CANCELLED).wants(space_id=None, public=True):
        return 0
    return _write(WebhookEvent.EVENT_CANCELLED, Q(), [_event_item(event)])


def webhooks_resource_approved(*, resource: "Resource") -> int:
    """Call inside the transaction that decides ``resource``; nothing unless it was approved."""
    from experts.models import Resource

    if resource.status != Resource.Status.APPROVED:
        return 0
    if not routes_for(WebhookEvent.RESOURCE_APPROVED).wants(space_id=None, public=True):
        return 0
    from experts.payloads.resources import resource_payload

    return _write(WebhookEvent.RESOURCE_APPROVED, Q(), [dict(resource_payload(resource))])
