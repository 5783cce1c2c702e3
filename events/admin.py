from django.contrib import admin

from events.models import CalendarFeed, Event, EventNotice, Invitation, OrganizerGrant, Rsvp, WaitlistEntry


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "starts_at", "timezone", "capacity", "organizer")
    list_filter = ("status", "kind")
    search_fields = ("title", "organizer__username")
    list_select_related = ("organizer",)
    raw_id_fields = ("organizer",)
    date_hierarchy = "starts_at"
    readonly_fields = ("sequence", "created_at", "updated_at", "published_at", "cancelled_at")


@admin.register(OrganizerGrant)
class OrganizerGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "granted_by", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user", "granted_by")
    raw_id_fields = ("user", "granted_by")


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "response", "updated_at")
    list_filter = ("response",)
    search_fields = ("event__title", "user__username")
    list_select_related = ("event", "user")
    raw_id_fields = ("event", "user")


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "state", "created_at", "offer_expires_at")
    list_filter = ("state",)
    search_fields = ("event__title", "user__username")
    list_select_related = ("event", "user")
    raw_id_fields = ("event", "user")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("event", "email", "user", "response", "created_at")
    list_filter = ("response",)
    search_fields = ("event__title", "email", "user__username")
    list_select_related = ("event", "user")
    raw_id_fields = ("event", "user", "invited_by")


@admin.register(EventNotice)
class EventNoticeAdmin(admin.ModelAdmin):
    """Read-only: each row is the claim that one reminder or message was sent."""

    list_display = ("event", "kind", "user", "email", "starts_at", "created_at")
    list_filter = ("kind",)
    list_select_related = ("event", "user")
    readonly_fields = ("event", "user", "email", "kind", "starts_at", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("token",)
