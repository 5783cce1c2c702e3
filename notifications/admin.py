from django.contrib import admin

from notifications.models import (
    DigestDelivery,
    EmailDelivery,
    MessageEmail,
    Notification,
    NotificationPreference,
    Subscription,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "recipient", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "source_key")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "timezone", "digest_hour", "updated_at")
    list_filter = ("email",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Read-only: ``unconfirmed`` rows are the ones a worker died on (may or may not have arrived)."""

    list_display = ("notification", "state", "created_at", "claimed_at", "sent_at")
    list_filter = ("state",)
    list_select_related = ("notification",)
    readonly_fields = ("notification", "state", "created_at", "claimed_at", "sent_at", "error")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "objectives", "regions", "kinds", "updated_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(MessageEmail)
class MessageEmailAdmin(admin.ModelAdmin):
    """Read-only: mention and reply emails, held, grouped by space, dropped when read."""

    list_display = ("notification", "recipient", "space", "seq", "state", "due_at", "sent_at")
    list_filter = ("state",)
    list_select_related = ("notification", "recipient", "space")
    readonly_fields = (
        "notification", "recipient", "space", "seq", "due_at", "state", "created_at", "claim", "claimed_at",
        "sent_at", "error",
    )  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """Read-only: one row per user and day (the claim); ``unconfirmed``: a worker died sending it."""

    list_display = ("user", "day", "state", "notification_count", "covers_until", "sent_at")
    list_filter = ("state", "day")
    list_select_related = ("user",)
    readonly_fields = ("user", "day", "state", "covers_until", "notification_count", "created_at", "sent_at", "error")

    def has_add_permission(self, request: object) -> bool:
        return False
