from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import LoginLockout, User


@admin.register(User)
class HubUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "display_name", "email")


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Staff can lift a lockout early by deleting it."""

    list_display = ("username", "until")
    search_fields = ("username",)
