from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin

from accounts.forms import ThrottledAuthenticationForm
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


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's login, under the same login throttle as the site's login and the token endpoint
    (one count per username across all three): without it /admin/login/ is an unthrottled way to
    guess a staff password. The admin's staff check (``confirm_login_allowed``) still applies."""


admin.site.login_form = ThrottledAdminAuthenticationForm
