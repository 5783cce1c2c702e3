from django.contrib import admin

from notifications.models import EmailDelivery, Notification, NotificationPreference


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
    list_display = ("user", "email", "updated_at")
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
