from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.erasure import is_reserved_username, password_confirms
from accounts.models import User
from accounts.services import user_authenticate, user_register
from hub.errors import HubError
from hub.text import validate_one_line


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, checked through the same login throttle as the token endpoint."""

    throttled: HubError | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = user_authenticate(request=self.request, username=username, password=password)
            except HubError as error:
                self.throttled = error
                raise forms.ValidationError(error.detail, code=error.code) from error
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        label=_("Username"),
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    display_name = forms.CharField(
        max_length=150, required=False, label=_("Display name"), validators=[validate_one_line]
    )
    email = forms.EmailField(max_length=254, label=_("Email"))
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists() or is_reserved_username(username):
            raise forms.ValidationError(_("A user with that username already exists."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with that email address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1 and not self.errors:
            candidate = User(username=data["username"], email=data["email"], display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self) -> User:
        try:
            return user_register(
                username=self.cleaned_data["username"],
                email=self.cleaned_data["email"],
                password=self.cleaned_data["password1"],
                display_name=self.cleaned_data.get("display_name", ""),
            )
        except HubError as error:
            self.add_error(None, error.detail)
            raise


class AccountDeleteForm(forms.Form):
    """The account page's deletion: the password confirms, checked under the login throttle."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Type your password to confirm that you want to delete your account."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.throttled: HubError | None = None

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        try:
            confirmed = password_confirms(user=self.user, password=password)
        except HubError as error:
            self.throttled = error
            raise forms.ValidationError(error.detail, code=error.code) from error
        if not confirmed:
            raise forms.ValidationError(_("The password is not correct."))
        return password
