from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class HubUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        # Usernames are unique regardless of case, so "Amina" logs in as "amina".
        return self.get(username__iexact=username)

    async def aget_by_natural_key(self, username: str | None) -> "User":
        return await self.aget(username__iexact=username)


class User(AbstractUser):
    """A person on the Hub. Usernames and emails are unique regardless of case."""

    class Language(models.TextChoices):
        """The six UN languages by the API's codes (ISO 639-1; Django's own code for Chinese is ``zh-hans``)."""

        ARABIC = "ar", "العربية"
        CHINESE = "zh", "中文"
        ENGLISH = "en", "English"
        FRENCH = "fr", "Français"
        RUSSIAN = "ru", "Русский"
        SPANISH = "es", "Español"

    objects: ClassVar[HubUserManager] = HubUserManager()

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"))
    # Empty: not chosen, and the page's language switcher or Accept-Language decides.
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True, default="")
    # Set when the account was erased (DELETE /api/v1/me/): the row stays, scrubbed, so that the
    # messages it wrote keep their author (accounts.erasure); it is shown as "Deleted user".
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("username"), name="unique_username_ci"),
            models.UniqueConstraint(Lower("email"), name="unique_email_ci"),
        ]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Deleted user"))
        return self.display_name or self.username


class LoginAttempt(models.Model):
    """A login attempt not yet known to have succeeded, per normalized username.

    Recorded *before* the password is checked, so that a burst of parallel guesses is counted
    in full; a successful login deletes its username's rows.
    """

    username = models.CharField(max_length=150, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "created_at"], name="login_attempt_user_time")]

    def __str__(self) -> str:
        return f"{self.username} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class LoginLockout(models.Model):
    """Logins for ``username`` (existing or not) answer 429 until ``until``."""

    username = models.CharField(max_length=150, unique=True)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.username} until {self.until:%Y-%m-%d %H:%M:%S}"
