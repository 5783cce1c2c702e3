"""The password pages: change (signed in) and reset by email (signed out), on Django's views.

Both save through ``accounts.passwords.password_change``, so either one ends the account's other
sessions, its API token and their sockets. The old password on the change page is checked under the
login throttle like every other password check: a borrowed session cannot guess it either.
"""

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.urls import reverse_lazy

from accounts.erasure import password_confirms
from accounts.models import User
from accounts.passwords import ThrottledPasswordResetForm, password_change
from hub.errors import HubError


class HubPasswordChangeForm(PasswordChangeForm):
    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        try:
            confirmed = password_confirms(user=self.user, password=old_password)
        except HubError as error:  # locked out by the login throttle
            raise forms.ValidationError(error.detail, code=error.code) from error
        if not confirmed:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password

    def save(self, commit: bool = True) -> Any:
        password_change(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class HubSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def save(self, commit: bool = True) -> User:
        user: User = self.user
        password_change(user=user, password=self.cleaned_data["new_password1"])
        return user


class PasswordChangeView(auth_views.PasswordChangeView):
    """Keeps this session logged in (Django's view updates its hash after ``save``)."""

    form_class = HubPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = HubSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
