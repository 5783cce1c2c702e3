"""Changing and resetting a password: the other ways into the account end with the old password.

``password_change`` is the one write. It sets the password, deletes the API token (its sockets
close with 4401: ``token_revoke``) and closes every socket opened with a session under the old
password (``accounts.session_credentials``); the sessions themselves end at their next request,
Django's own rule, except the one that made the change when it is given (it stays logged in).

A reset is asked for by address. The answer never says whether an account has it; emails go out
after commit through Celery, in the account's language, at most ``PASSWORD_RESET_EMAILS_PER_HOUR``
an hour per address (beyond that the same answer, and nothing sent: mail bombing is no way to
find out who has an account either). The link is Django's one-time token: it stops working once
the password changed, and after ``PASSWORD_RESET_TIMEOUT``.
"""

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import token_revoke
from accounts.session_credentials import session_credential
from realtime.codes import CloseCode
from realtime.envelopes import credential_envelope
from realtime.publish import publish_on_commit

PASSWORD_RESET_EMAILS_PER_HOUR = 3


def password_change(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """Precondition: ``password`` passed the password validators. With ``request``, its session
    stays logged in; every other session, token and socket of the user ends."""
    old_sockets = session_credential(user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        token_revoke(user=user)
        publish_on_commit(credential_envelope(old_sockets, CloseCode.UNAUTHENTICATED))
    if request is not None:
        update_session_auth_hash(request, user)


def _reset_allowed(email: str) -> bool:
    """Counts the request; False past the hourly limit for this address (the cache is shared by
    every process: Redis in services mode)."""
    key = f"password-reset:{email.strip().casefold()}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= PASSWORD_RESET_EMAILS_PER_HOUR
    except ValueError:  # expired between add and incr: this request starts a new hour
        cache.set(key, 1, timeout=3600)
        return True


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's form, sending through ``send_password_reset`` after commit, within the hourly limit."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        if not _reset_allowed(email):
            return
        for user in self.get_users(email):
            transaction.on_commit(partial(_enqueue_reset_email, int(user.pk)))


def _enqueue_reset_email(user_id: int) -> None:
    from accounts.tasks import send_password_reset

    send_password_reset.delay(user_id)


def password_reset_email(user: User) -> EmailMultiAlternatives:
    """The reset email in the account's language, with a link valid until the password changes."""
    from notifications.services import language_of

    context = {
        "user": user,
        "link": settings.SITE_URL
        + f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
        + f"{default_token_generator.make_token(user)}/",
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language_of(user)):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        text = render_to_string("accounts/email/password_reset.txt", context)
        html = render_to_string("accounts/email/password_reset.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def password_reset_send(*, user_id: int) -> bool:
    """Send the reset email to an active account with an address and a usable password (an
    account without one, e.g. erased or created by ``seed_demo``, gets nothing). True if sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    return bool(password_reset_email(user).send())
