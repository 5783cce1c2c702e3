"""Reads of webhooks and their delivery logs, limited to what the caller may manage."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from discussions.models import Membership
from hub.errors import ErrorCode, HubError
from webhooks.models import Delivery, DeliveryAttempt, Webhook


def webhooks_manageable_by(user: User) -> QuerySet[Webhook]:
    """Staff: every webhook. Others: those of the spaces they moderate now (their own included: a
    non-staff webhook always has a space); a moderator removed from a space no longer sees its
    webhooks nor their logs, which hold the space's messages."""
    queryset = Webhook.objects.select_related("owner", "space")
    if user.is_staff:
        return queryset
    moderated = Membership.objects.filter(user=user, role=Membership.Role.MODERATOR).values("space_id")
    return queryset.filter(space_id__in=moderated)


def webhook_manageable(*, user: User, webhook_id: int, lock: bool = False) -> Webhook:
    """The webhook, or 404 (one the caller may not manage does not exist for them)."""
    queryset = webhooks_manageable_by(user)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    webhook = queryset.filter(pk=webhook_id).first()
    if webhook is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such webhook."))
    return webhook


def deliveries_of(webhook: Webhook) -> QuerySet[Delivery]:
    """Newest first, each with its attempts (one query for the page, one for their attempts)."""
    return (
        Delivery.objects.filter(webhook=webhook)
        .order_by("-pk")
        .prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number")))
    )
