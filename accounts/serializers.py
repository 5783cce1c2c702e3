from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.erasure import is_reserved_username, password_confirms
from accounts.models import User
from hub.text import validate_one_line


class RegisterSerializer(serializers.Serializer[None]):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    display_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", validators=[validate_one_line]
    )

    def validate_username(self, value: str) -> str:
        # deleted-<id> names erased accounts (accounts.erasure): taken, as far as anyone can tell.
        if User.objects.filter(username__iexact=value).exists() or is_reserved_username(value):
            raise serializers.ValidationError(_("A user with that username already exists."))
        return value

    def validate_email(self, value: str) -> str:
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(_("A user with that email address already exists."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The similarity validator compares against these attributes of an unsaved user.
        candidate = User(username=attrs["username"], email=attrs["email"], display_name=attrs["display_name"])
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class RegisteredUserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


@extend_schema_serializer(component_name="Credentials")
class TokenRequestSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer[None]):
    token = serializers.CharField()


class MeSerializer(serializers.ModelSerializer[User]):
    expert_id = serializers.SerializerMethodField()
    # One of the six UN languages by the API's codes, or "" for not chosen (then the page's
    # language switcher or Accept-Language decides); anything else is a 400 naming the field.
    language = serializers.ChoiceField(choices=User.Language.choices, allow_blank=True, required=False)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "is_staff", "expert_id", "language"]
        read_only_fields = ["id", "username", "is_staff", "expert_id"]
        # Display names reach email Subjects ("Amina wrote to you: ..."): one line.
        extra_kwargs = {"display_name": {"validators": [validate_one_line]}}

    def get_expert_id(self, user: User) -> int | None:
        # The experts app attaches a one-to-one ``expert`` (``Expert.user``) to users who have one;
        # without one the reverse accessor raises an AttributeError subclass, hence the default.
        profile = getattr(user, "expert", None)
        return profile.pk if profile is not None else None


class AccountDeleteSerializer(serializers.Serializer[None]):
    """``DELETE /api/v1/me/``: the caller's password confirms (checked under the login throttle)."""

    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)

    def validate_password(self, value: str) -> str:
        if not password_confirms(user=self.context["user"], password=value):
            raise serializers.ValidationError(_("The password is not correct."))
        return value
