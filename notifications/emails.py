"""The emails that carry notifications, built in the recipient's language, with RFC 8058 headers.

Two shapes here: one notification (``notification_email``), and the mentions and replies of one
space gathered over the email delay (``message_group_email``); a day's digest is
``notifications.digest_email``. Each has a plain-text and an HTML part and the one-click
unsubscribe link as ``List-Unsubscribe`` with ``List-Unsubscribe-Post``, so mail clients can offer
it (a POST needing no login or cookie).
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
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
    return _message(to=recipient.email, subject=subject, text=text, html=html, unsubscribe=unsubscribe)


def _message(
    *, to: str, subject: str, text: str, html: str, unsubscribe: str, dated: Mapping[str, str] | None = None
) -> EmailMultiAlternatives:
    """``dated``: a Date and a Message-ID of the caller's (``email_slots``); without it Django makes them.
    Either way they come right after To, where Django puts its own."""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header: never a line break
        body=text,
        to=[to],
        headers={
            **(dated or {}),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# Where the recipient's own unsubscribe link goes in a rendering shared by several recipients.
UNSUBSCRIBE_SLOT = "hub-unsubscribe-slot-5e1f0a"
_shared_renderings: ContextVar[dict[tuple[str, str, str, str], tuple[str, str]] | None] = ContextVar(
    "notification_email_renderings", default=None
)


@contextmanager
def renderings_shared() -> Iterator[None]:
    """Within the block, ``notification_email`` renders its templates once per language and
    content (title, body, link) and fills in each recipient's unsubscribe link: a chunk of an
    announcement, the same text for everyone in one language, renders a handful of times instead
    of once per message (measured: about a fifth of the CPU per email)."""
    token = _shared_renderings.set({})
    try:
        yield
    finally:
        _shared_renderings.reset(token)


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The message for ``notification`` (precondition: its ``recipient`` is loaded and has an address).

    Subject is the title; the body carries the link to the Hub and the unsubscribe link.
    """
    recipient = notification.recipient
    language = language_of(recipient)
    context = {"notification": notification, "link": _link(notification)}
    if _shared_renderings.get() is None:
        return _email(
            recipient=recipient, subject=notification.title, template="notification", context=context,
            language=language,
        )  # fmt: skip
    text, html = notification_rendering(
        language=language, title=notification.title, body=notification.body, url=notification.url
    )
    unsubscribe = unsubscribe_url(user_id=recipient.pk)
    return _message(
        to=recipient.email,
        subject=notification.title,
        text=text.replace(UNSUBSCRIBE_SLOT, unsubscribe),
        html=html.replace(UNSUBSCRIBE_SLOT, escape(unsubscribe)),
        unsubscribe=unsubscribe,
    )


def notification_rendering(*, language: str, title: str, body: str, url: str) -> tuple[str, str]:
    """The text and HTML of a notification email in ``language``, with ``UNSUBSCRIBE_SLOT`` where the
    recipient's unsubscribe link goes; once per (language, title, body, url) within ``renderings_shared``."""
    renderings = _shared_renderings.get()
    key = (language, title, body, url)
    if renderings is not None and key in renderings:
        return renderings[key]
    # Only what the key holds reaches the templates: nothing of one recipient can leak into another's.
    shown = {"title": title, "body": body, "url": url}
    shared = {"notification": shown, "link": settings.SITE_URL + url if url else "",
              "unsubscribe_url": UNSUBSCRIBE_SLOT, "site_url": settings.SITE_URL}  # fmt: skip
    with translation.override(language):
        rendering = (
            render_to_string("notifications/email/notification.txt", shared),
            render_to_string("notifications/email/notification.html", shared),
        )
    if renderings is not None:
        renderings[key] = rendering
    return rendering


def notification_message(
    *, to: str, title: str, text: str, html: str, unsubscribe: str, dated: Mapping[str, str] | None = None
) -> EmailMultiAlternatives:
    """A notification email from a ``notification_rendering`` whose slots the caller filled in or kept."""
    return _message(to=to, subject=title, text=text, html=html, unsubscribe=unsubscribe, dated=dated)


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
