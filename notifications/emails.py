"""The email that carries one notification: built in the recipient's language, with RFC 8058 headers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import Notification
from notifications.services import language_of
from notifications.unsubscribe import unsubscribe_url


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The message for ``notification`` (precondition: its ``recipient`` is loaded and has an address).

    Subject is the title; the body carries the link to the Hub and the unsubscribe link, which is
    also the ``List-Unsubscribe`` header with ``List-Unsubscribe-Post`` so mail clients can offer
    one-click unsubscribe (a POST needing no login or cookie).
    """
    recipient = notification.recipient
    unsubscribe = unsubscribe_url(user_id=recipient.pk)
    context = {
        "notification": notification,
        "link": settings.SITE_URL + notification.url if notification.url else "",
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language_of(recipient)):
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(notification.title.split()),  # a header: never a line break
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
