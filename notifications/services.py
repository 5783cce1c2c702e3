"""Writes for notifications: the one way a notification is created, reading it, and email preferences.

Every other app tells someone something through ``notification_create``; nothing else inserts a
``Notification``. Email and (later) the live socket happen after the caller's transaction commits.
"""

from collections.abc import Mapping
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from hub.errors import ErrorCode, HubError
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.selectors import email_preference_of

TITLE_MAX_CHARS = Notification._meta.get_field("title").max_length or 300

# The API's language codes that Django spells differently.
_DJANGO_LANGUAGE = {"zh": "zh-hans"}


def language_of(user: User) -> str:
    """The Django language code to speak to ``user`` in when they are not the one asking (emails, notifications)."""
    return _DJANGO_LANGUAGE.get(user.language, user.language) or settings.LANGUAGE_CODE


def _rendered(text: str | Promise, params: Mapping[str, object] | None) -> str:
    """``text`` in the active language, with ``%(name)s`` params filled in (precondition: the override is active)."""
    rendered = str(text)
    return rendered % dict(params) if params else rendered


def notification_create(
    *,
    recipient: User,
    kind: Notification.Kind,
    title: str | Promise,
    body: str | Promise = "",
    params: Mapping[str, object] | None = None,
    url: str = "",
    source_key: str,
    email: bool = True,
) -> Notification | None:
    """Tell ``recipient`` something, once per (recipient, kind, source_key): a repeat creates nothing → None.

    Call it inside the caller's transaction: the row commits or rolls back with the cause, and the
    email task and live push are queued for after the commit. ``title`` and ``body`` may be lazy
    translations with ``%(name)s`` placeholders filled from ``params``; they are rendered in the
    recipient's language (not the caller's) and stored rendered. ``url`` is a path on the Hub
    ("/events/12/") or empty. With ``email`` and the recipient's email preference "immediate" (and an
    address on file), one ``EmailDelivery`` row is created and sent by ``notifications.tasks``.
    """
    if url and not url.startswith("/"):
        raise ValueError(f"notification url must be a path on the Hub, got {url!r}")
    with translation.override(language_of(recipient)):
        rendered_title = Truncator(_rendered(title, params).strip()).chars(TITLE_MAX_CHARS)
        rendered_body = _rendered(body, params)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            kind=kind,
            source_key=source_key,
            defaults={"title": rendered_title, "body": rendered_body, "url": url},
        )
        if not created:
            return None
        delivery_id: int | None = None
        if email and recipient.email and email_preference_of(recipient) == NotificationPreference.Email.IMMEDIATE:
            delivery_id = EmailDelivery.objects.create(notification=notification).pk
        transaction.on_commit(partial(notification_committed, notification, delivery_id=delivery_id))
    return notification


def notification_committed(notification: Notification, *, delivery_id: int | None) -> None:
    """Runs once after the transaction that created ``notification`` commits: the one place its
    delivery starts. Queues its email (if any); the live socket ``/ws/notifications/`` plugs in here
    (a ``notification.new`` frame to the recipient's stream, then their ``unread`` count)."""
    if delivery_id is not None:
        from notifications.tasks import send_notification_emails  # the tasks module imports this one

        send_notification_emails.delay([delivery_id])


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (again: keeps the first time); someone else's is not found."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(recipient=user, pk=notification_id).first()
        if notification is None:
            raise HubError(ErrorCode.NOT_FOUND, _("Notification not found."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_email_preference_set(*, user: User, email: NotificationPreference.Email) -> NotificationPreference:
    """Set ``user``'s email preference, creating their preference row on first use."""
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})
    return preference
