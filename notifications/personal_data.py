"""Notifications' personal data in the data-rights registry (``accounts.personal_data``).

Export: the caller's notifications, subscription, preferences and the emails the Hub sent them.
Erasure: all of those go, and the caller's notification sockets close (4401). Other people's
notifications that name the erased user (a mention's "Amina mentioned you") are rewritten by
the app that made them, through ``notifications_rename_author``.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export
from notifications.models import (
    DigestDelivery,
    EmailDelivery,
    MessageEmail,
    Notification,
    NotificationPreference,
    Subscription,
)
from notifications.services import language_of
from notifications.streams import USER_STREAM
from realtime.codes import CloseCode
from realtime.envelopes import close_envelope
from realtime.publish import publish_on_commit


def source_keys_of(prefix: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The ``source_key`` of the notifications these rows caused ("<prefix><id>"), as a subquery:
    ``notifications_rename_author`` then reads the notifications in one join, however many rows."""
    key = Concat(Value(prefix), Cast("pk", output_field=CharField()), output_field=CharField())
    keys: QuerySet[Any] = rows.order_by().annotate(notification_source_key=key).values("notification_source_key")
    return keys


def notifications_rename_author(*, source_keys: Iterable[str] | QuerySet[Any], old: str, new: str | None) -> int:
    """In the notifications made by these causes (``source_key``s, or ``source_keys_of`` rows),
    ``old`` becomes ``new`` in the title and body; ``new=None``: the translated "Deleted user", in
    each recipient's language. Returns how many notifications changed. For erasers (inside the
    deletion transaction)."""
    keys = source_keys if isinstance(source_keys, QuerySet) else list(source_keys)
    if not old or (isinstance(keys, list) and not keys):
        return 0
    changed = 0
    notifications = Notification.objects.filter(source_key__in=keys)
    languages = set(notifications.values_list("recipient__language", flat=True).distinct())
    for language in languages:
        if new is None:
            with translation.override(language_of(User(language=language))):
                replacement = gettext("Deleted user")
        else:
            replacement = new
        of_language = notifications.filter(recipient__language=language)
        for field in ("title", "body"):
            changed += of_language.filter(**{f"{field}__contains": old}).update(
                **{field: Replace(field, Value(old), Value(replacement))}
            )
    return changed


def notification_items(user: User) -> Iterator[Mapping[str, Any]]:
    notifications = Notification.objects.filter(recipient=user).order_by("pk")
    for notification in notifications.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "url": notification.url,
            "created_at": iso(notification.created_at),
            "read_at": iso(notification.read_at),
            "by_email": notification.by_email,
        }


def _row_fields(model: type[Model]) -> dict[str, Any]:
    """Every column but the keys, named after the model's own field descriptions: fields added
    later (a preference) are exported and described without touching this module."""
    return {
        field.name: field.verbose_name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != "user"
    }


def _row_items(model: type[Model]) -> Any:
    names = list(_row_fields(model))

    def items(user: User) -> Iterator[Mapping[str, Any]]:
        row = model._default_manager.filter(user=user).first()
        if row is not None:
            values = {name: getattr(row, name) for name in names}
            yield {name: iso(value) if hasattr(value, "isoformat") else value for name, value in values.items()}

    return items


def email_items(user: User) -> Iterator[Mapping[str, Any]]:
    deliveries = EmailDelivery.objects.filter(notification__recipient=user).order_by("pk")
    for delivery in deliveries.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {"kind": "notification", "notification": delivery.notification_id, "state": delivery.state,
               "created_at": iso(delivery.created_at), "sent_at": iso(delivery.sent_at)}  # fmt: skip
    message_emails = MessageEmail.objects.filter(recipient=user).order_by("pk")
    for email in message_emails.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {"kind": "message", "notification": email.notification_id, "state": email.state,
               "created_at": iso(email.created_at), "sent_at": iso(email.sent_at)}  # fmt: skip
    digests = DigestDelivery.objects.filter(user=user).order_by("pk")
    for digest in digests.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {"kind": "digest", "notification": None, "state": digest.state,
               "created_at": iso(digest.created_at), "sent_at": iso(digest.sent_at)}  # fmt: skip


def notifications_erase(user: User) -> None:
    # Cascades to their EmailDelivery and MessageEmail rows.
    Notification.objects.filter(recipient=user).delete()
    MessageEmail.objects.filter(recipient=user).delete()
    DigestDelivery.objects.filter(user=user).delete()
    Subscription.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    publish_on_commit(close_envelope(USER_STREAM, user.pk, user.pk, CloseCode.UNAUTHENTICATED))


register_export(
    "notifications",
    items=notification_items,
    description=_("Your notifications, as they were written to you."),
    fields={
        "kind": _("What it is about (mention, reply, event_invitation, ...)."),
        "title": _("Its title."),
        "body": _("Its text."),
        "url": _("The page it links to, on the Hub."),
        "created_at": _("When it was made."),
        "read_at": _("When you read it, or null."),
        "by_email": _("Whether it was meant to reach you by email too."),
    },
    order=40,
)
register_export(
    "subscriptions",
    items=_row_items(Subscription),
    single=True,
    description=_("What you subscribed to hear about (null: nothing chosen)."),
    fields=_row_fields(Subscription),
    order=41,
)
register_export(
    "preferences",
    items=_row_items(NotificationPreference),
    single=True,
    description=_("Your notification preferences (null: the defaults)."),
    fields=_row_fields(NotificationPreference),
    order=42,
)
register_export(
    "emails",
    items=email_items,
    description=_("The emails the Hub sent you or tried to (not their text: see notifications)."),
    fields={
        "kind": _("notification (one notification), message (mentions and replies grouped) or digest."),
        "notification": _("The notification it carried, or null for a digest."),
        "state": _("Where it stands: pending, sent, failed, ..."),
        "created_at": _("When it was queued."),
        "sent_at": _("When it was sent, or null."),
    },
    order=43,
)
register_eraser(
    "notifications",
    erase=notifications_erase,
    handles=[
        "notifications.Notification.recipient",
        "notifications.NotificationPreference.user",
        "notifications.Subscription.user",
        "notifications.MessageEmail.recipient",
        "notifications.DigestDelivery.user",
    ],
    order=40,
)
