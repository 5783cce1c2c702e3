"""Staff's view of webhooks and their delivery logs (the secret is never shown)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.errors import HubError
from webhooks.models import SKIPPED_ERROR, Delivery, DeliveryAttempt, Webhook
from webhooks.outbox import routes_changed
from webhooks.services import delivery_redeliver


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "space", "events", "active", "disabled_at", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "owner__username", "space__slug")
    list_select_related = ("owner", "space")
    exclude = ("secret",)
    # Staff turn a webhook off or on here; where it sends is set through the API, which checks it.
    readonly_fields = ("owner", "url", "events", "space", "disabled_at", "disabled_reason", "created_at")
    actions = ["disable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the API, which checks the destination and takes the secret

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        routes_changed()

    @admin.action(description=_("Disable the selected webhooks"))
    def disable(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        queryset.update(active=False, disabled_reason=_("disabled by staff"))
        Delivery.objects.filter(webhook__in=queryset, state=Delivery.State.PENDING).update(
            state=Delivery.State.SKIPPED, error=str(SKIPPED_ERROR)
        )
        routes_changed()


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "started_at", "duration_ms", "status_code", "error")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "webhook", "event", "state", "attempts", "status_code", "created_at", "finished_at")
    list_filter = ("state", "event")
    search_fields = ("webhook__url",)
    list_select_related = ("webhook",)
    raw_id_fields = ("webhook", "redelivery_of")
    inlines = [DeliveryAttemptInline]
    actions = ["redeliver"]
    readonly_fields = (
        "webhook", "event", "data", "created_at", "state", "attempts", "next_attempt_at", "first_attempt_at",
        "claimed_at", "finished_at", "status_code", "error", "redelivery_of",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Redeliver the selected deliveries"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        queued = 0
        for delivery in queryset.order_by("pk"):
            try:
                delivery_redeliver(by=request.user, webhook_id=delivery.webhook_id, delivery_id=delivery.pk)  # type: ignore[arg-type]
            except HubError as refusal:
                self.message_user(request, f"#{delivery.pk}: {refusal.detail}", messages.WARNING)
            else:
                queued += 1
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": queued})
