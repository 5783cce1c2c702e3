"""Registering, removing and re-enabling webhooks, and redelivering: who may, checked here.

Staff manage every webhook and may register one without a space (public spaces' messages, events,
resources). A space's moderators register webhooks for their own space (that space's messages,
private ones included, and the public events and resources) and manage the webhooks of the spaces
they moderate. Anybody else: 403.
"""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from discussions.models import Membership, Space
from hub.errors import ErrorCode, HubError
from webhooks.destinations import DestinationRefused, destination_checked
from webhooks.models import SKIPPED_ERROR, Delivery, Webhook
from webhooks.outbox import routes_changed
from webhooks.selectors import webhook_manageable


class WebhookInvalid(Exception):
    """Values that do not make a webhook, per field (DRF's shape): a 400."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)


def moderates(user: User, space: Space) -> bool:
    return Membership.objects.filter(space=space, user=user, role=Membership.Role.MODERATOR).exists()


def _space_for(by: User, slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None or (space.is_private and not by.is_staff and not moderates(by, space)):
        raise WebhookInvalid({"space": [_("No such space.")]})  # a private space stays unknown
    if not by.is_staff and not moderates(by, space):
        raise HubError(ErrorCode.FORBIDDEN, _("Only the space's moderators (or staff) may add webhooks to it."))
    return space


def webhook_register(*, by: User, url: str, events: list[str], secret: str, space: str | None = None) -> Webhook:
    """Store a webhook after checking who asks and where it would send (resolved now, and again at
    every delivery). Raises ``HubError`` (403) or ``WebhookInvalid`` (400)."""
    if space is None and not by.is_staff:
        raise HubError(
            ErrorCode.FORBIDDEN,
            _("Only staff may add webhooks for the whole Hub; a space's moderators add them to their space."),
        )
    space_row = _space_for(by, space) if space is not None else None
    try:
        destination_checked(url)
    except DestinationRefused as refusal:
        raise WebhookInvalid({"url": [str(refusal)]}) from refusal
    with transaction.atomic():
        webhook = Webhook.objects.create(owner=by, url=url, events=sorted(set(events)), space=space_row, secret=secret)
        transaction.on_commit(routes_changed)
    return webhook


def webhook_delete(*, by: User, webhook_id: int) -> None:
    with transaction.atomic():
        webhook_manageable(user=by, webhook_id=webhook_id).delete()
        transaction.on_commit(routes_changed)


def webhook_enable(*, by: User, webhook_id: int, active: bool) -> Webhook:
    """Turn a webhook on again (after it was disabled) or off. Deliveries skipped meanwhile stay
    skipped (redeliver the ones that matter); new events reach it from now on."""
    with transaction.atomic():
        webhook = webhook_manageable(user=by, webhook_id=webhook_id, lock=True)
        if webhook.active != active:
            webhook.active = active
            webhook.disabled_at = None if active else webhook.disabled_at
            webhook.disabled_reason = "" if active else _("disabled by %(user)s") % {"user": by.username}
            webhook.save(update_fields=["active", "disabled_at", "disabled_reason"])
            if not active:
                Delivery.objects.filter(webhook=webhook, state=Delivery.State.PENDING).update(
                    state=Delivery.State.SKIPPED, error=str(SKIPPED_ERROR)
                )
            transaction.on_commit(routes_changed)
    return webhook


def delivery_redeliver(*, by: User, webhook_id: int, delivery_id: int) -> Delivery:
    """A new delivery (its own id) of the same event and data, queued after the webhook's others.
    A disabled webhook redelivers nothing (409): enable it first."""
    with transaction.atomic():
        webhook = webhook_manageable(user=by, webhook_id=webhook_id, lock=True)
        original = Delivery.objects.filter(pk=delivery_id, webhook=webhook).first()
        if original is None:
            raise HubError(ErrorCode.NOT_FOUND, _("No such delivery."))
        if not webhook.active:
            raise HubError(ErrorCode.CONFLICT, _("This webhook is disabled: enable it before redelivering."))
        if original.state in (Delivery.State.PENDING, Delivery.State.SENDING):
            raise HubError(ErrorCode.CONFLICT, _("This delivery is still being sent."))
        copy = Delivery.objects.create(
            webhook=webhook, event=original.event, data=original.data, redelivery_of=original
        )

        def enqueue() -> None:
            from webhooks.tasks import send_webhook_deliveries

            send_webhook_deliveries.delay(webhook.pk)

        transaction.on_commit(enqueue)
    return copy
