"""The emails that carry notifications, built in the recipient's language, with RFC 8058 headers.

Three shapes: one notification (``notification_email``), the mentions and replies of one space
gathered over the email delay (``message_group_email``), and a day's digest (``digest_email``).
Each has a plain-text and an HTML part and the one-click unsubscribe link as ``List-Unsubscribe``
with ``List-Unsubscribe-Post``, so mail clients can offer it (a POST needing no login or cookie).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from notifications.models import Notification
from notifications.services import language_of
from notifications.unsubscribe import unsubscribe_url


def _link(notification: Notification) -> str:
    return settings.SITE_URL + notification.url if notification.url else ""


def _email(
    *, recipient: User, subject: str, template: str, context: Mapping[str, Any], language: str
) -> EmailMultiAlternatives:
    """Precondition: ``subject`` was rendered in ``language`` (the recipient's)."""
    unsubscribe = unsubscribe_url(user_id=recipient.pk)
    full_context = {**context, "unsubscribe_url": unsubscribe, "site_url": settings.SITE_URL}
    with translation.override(language):
        text = render_to_string(f"notifications/email/{template}.txt", full_context)
        html = render_to_string(f"notifications/email/{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header: never a line break
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The message for ``notification`` (precondition: its ``recipient`` is loaded and has an address).

    Subject is the title; the body carries the link to the Hub and the unsubscribe link.
    """
    recipient = notification.recipient
    context = {"notification": notification, "link": _link(notification)}
    return _email(
        recipient=recipient,
        subject=notification.title,
        template="notification",
        context=context,
        language=language_of(recipient),
    )


def message_group_email(
    *, recipient: User, space_name: str, notifications: Sequence[Notification]
) -> EmailMultiAlternatives:
    """One email for the mentions and replies of one space that ``recipient`` has not read.

    Precondition: ``notifications`` (at least one) are ``recipient``'s, oldest first.
    """
    language = language_of(recipient)
    with translation.override(language):
        if len(notifications) == 1:
            subject = notifications[0].title
        else:
            subject = ngettext(
                "%(count)d new message for you in %(space)s",
                "%(count)d new messages for you in %(space)s",
                len(notifications),
            ) % {"count": len(notifications), "space": space_name}
    items = [{"notification": notification, "link": _link(notification)} for notification in notifications]
    context = {"space_name": space_name, "items": items, "subject": subject}
    return _email(recipient=recipient, subject=subject, template="messages", context=context, language=language)


def digest_email(*, recipient: User, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    """A day's digest: the notifications ``recipient`` has not read (at least one), oldest first."""
    language = language_of(recipient)
    with translation.override(language):
        subject = ngettext(
            "Your daily digest: %(count)d notification on the Migration Network Hub",
            "Your daily digest: %(count)d notifications on the Migration Network Hub",
            len(notifications),
        ) % {"count": len(notifications)}
        inbox = settings.SITE_URL + "/notifications/"
        intro = _("Here is what happened on the Migration Network Hub since your last digest.")
    items = [{"notification": notification, "link": _link(notification)} for notification in notifications]
    context = {"items": items, "subject": subject, "inbox_url": inbox, "intro": intro}
    return _email(recipient=recipient, subject=subject, template="digest", context=context, language=language)
