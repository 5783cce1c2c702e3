"""Staff's view of webhooks and their delivery logs (the secret is never shown)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from webhooks.models import Delivery, DeliveryAttempt, Webhook
from webhooks.outbox import routes_changed


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "space", "events", "active", "disabled_at", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "owner__username", "space__slug")
    list_select_related = ("owner", "space")
    raw_id_fields = ("owner", "space")
    exclude = ("secret",)
    readonly_fields = ("disabled_at", "disabled_reason", "created_at")
    actions = ["disable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the API, which checks the destination and takes the secret

    @admin.action(description=_("Disable the selected webhooks"))
    def disable(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        queryset.update(active=False, disabled_reason=_("disabled by staff"))
        Delivery.objects.filter(webhook__in=queryset, state=Delivery.State.PENDING).update(
            state=Delivery.State.SKIPPED, error="not sent: the webhook was disabled"
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
    readonly_fields = (
        "webhook", "event", "data", "created_at", "state", "attempts", "next_attempt_at", "first_attempt_at",
        "claimed_at", "finished_at", "status_code", "error", "redelivery_of",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
