"""Writes for notifications: the one way a notification is created, reading it, preferences and
subscriptions.

Every other app tells someone something through ``notification_create`` (or, set-based, through
``notifications.bulk``); nothing else inserts a ``Notification``. Email and the live socket happen
after the caller's transaction commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from discussions.models import Message
from hub.errors import ErrorCode, HubError
from notifications.live import push_notifications_on_commit, push_unread_on_commit
from notifications.models import EmailDelivery, MessageEmail, Notification, NotificationPreference, Subscription
from notifications.selectors import email_preference_of, unread_message_notifications

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


@dataclass(frozen=True)
class AboutMessage:
    """The discussion message a notification is about (a mention, a reply): its email waits."""

    space_id: int
    seq: int


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
    about_message: AboutMessage | None = None,
) -> Notification | None:
    """Tell ``recipient`` something, once per (recipient, kind, source_key): a repeat creates nothing → None.

    Call it inside the caller's transaction: the row commits or rolls back with the cause, and the
    email task and live push are queued for after the commit. ``title`` and ``body`` may be lazy
    translations with ``%(name)s`` placeholders filled from ``params``; they are rendered in the
    recipient's language (not the caller's) and stored rendered. ``url`` is a path on the Hub
    ("/events/12/") or empty.

    Email, with ``email`` and an address on file, follows the recipient's preference: "immediate"
    creates one ``EmailDelivery`` sent by ``notifications.tasks`` at once; "daily_digest" none (the
    notification waits for their digest, ``notifications.digest``); "off" none. Without ``email``
    (the cause emails in its own way) the notification is in-app only, digest included. With
    ``about_message``, the immediate email is a ``MessageEmail`` instead, held
    ``NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS`` and dropped if the recipient reads the message
    meanwhile (``notifications.message_emails``).
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
            defaults={"title": rendered_title, "body": rendered_body, "url": url, "by_email": email},
        )
        if not created:
            return None
        delivery_id: int | None = None
        message_email: MessageEmail | None = None
        if email and recipient.email and email_preference_of(recipient) == NotificationPreference.Email.IMMEDIATE:
            if about_message is None:
                delivery_id = EmailDelivery.objects.create(notification=notification).pk
            else:
                delay = timedelta(seconds=settings.NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS)
                message_email = MessageEmail.objects.create(
                    notification=notification,
                    recipient=recipient,
                    space_id=about_message.space_id,
                    seq=about_message.seq,
                    due_at=timezone.now() + delay,
                )
        transaction.on_commit(
            partial(notification_committed, notification, delivery_id=delivery_id, message_email=message_email)
        )
    return notification


def notification_committed(
    notification: Notification, *, delivery_id: int | None, message_email: MessageEmail | None = None
) -> None:
    """Runs once after the transaction that created ``notification`` commits: the one place its
    delivery starts. Queues its email (if any), and pushes it live to the recipient's
    ``/ws/notifications/`` sockets (``notification.new``, then their ``unread`` counts)."""
    from notifications.tasks import send_message_emails, send_notification_emails  # they import this module

    if delivery_id is not None:
        send_notification_emails.delay([delivery_id])
    if message_email is not None:
        # Runs when the delay is over; a task lost on the way is found by the sweep.
        countdown = max(0.0, (message_email.due_at - timezone.now()).total_seconds())
        send_message_emails.apply_async(args=(message_email.recipient_id, message_email.space_id), countdown=countdown)
    push_notifications_on_commit([notification.pk])


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (again: keeps the first time); someone else's is not found."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(recipient=user, pk=notification_id).first()
        if notification is None:
            raise HubError(ErrorCode.NOT_FOUND, _("Notification not found."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            push_unread_on_commit([user.pk])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    with transaction.atomic():
        marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
        if marked:
            push_unread_on_commit([user.pk])
    return marked


def notification_email_preference_set(*, user: User, email: NotificationPreference.Email) -> NotificationPreference:
    """Set ``user``'s email preference, creating their preference row on first use."""
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})
    return preference


def notification_preferences_set(
    *,
    user: User,
    email: NotificationPreference.Email | str | None = None,
    muted_spaces: list[str] | None = None,
    timezone: str | None = None,
    digest_hour: int | None = None,
) -> NotificationPreference:
    """Change what is given (``None``: unchanged), creating the preference row on first use.

    Precondition: ``muted_spaces`` are slugs of existing spaces, ``timezone`` a zone zoneinfo
    knows and ``digest_hour`` in 0..23 (the serializer checks them). Changing the zone or hour
    never brings a second digest within one local day (``notifications.digest``).
    """
    changes: dict[str, object] = {}
    if email is not None:
        changes["email"] = email
    if muted_spaces is not None:
        changes["muted_spaces"] = list(dict.fromkeys(muted_spaces))
    if timezone is not None:
        changes["timezone"] = timezone
    if digest_hour is not None:
        changes["digest_hour"] = digest_hour
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults=changes)
    return preference


def subscription_set(*, user: User, objectives: list[str], regions: list[str], kinds: list[str]) -> Subscription:
    """Replace ``user``'s subscription (empty ``kinds``: every kind of event).

    Precondition: the keys, slugs and kinds are known (the serializer checks them against the taxonomy).
    """
    with transaction.atomic():
        subscription, _created = Subscription.objects.update_or_create(
            user=user,
            defaults={
                "objectives": list(dict.fromkeys(objectives)),
                "regions": list(dict.fromkeys(regions)),
                "kinds": list(dict.fromkeys(kinds)),
            },
        )
    return subscription


def message_notifications_read(*, user: User, space_id: int, up_to_seq: int) -> int:
    """Reading a conversation reads its mentions and replies (as in Zulip): ``user``'s unread
    ``mention`` and ``reply`` notifications about messages of ``space_id`` up to ``up_to_seq``
    become read. Returns how many; costs one query when the user has none unread."""
    about = unread_message_notifications(user)
    if not about:
        return 0
    read_messages = Message.objects.filter(pk__in=list(about), space_id=space_id, seq__lte=up_to_seq)
    ids = [about[message_id] for message_id in read_messages.values_list("pk", flat=True)]
    if not ids:
        return 0
    return Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
