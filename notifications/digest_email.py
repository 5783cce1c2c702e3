"""The daily digest's email: per followed objective its sections, then the unread notifications,
in the recipient's language with times in their zone, and the one-click unsubscribe headers.

(It replaces ``notifications.emails.digest_email``, which listed notifications only.)
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.digest_sections import DigestItem
from notifications.services import language_of
from notifications.unsubscribe import unsubscribe_url

if TYPE_CHECKING:
    from notifications.digest import DigestContent


def _item(item: DigestItem) -> dict[str, Any]:
    """Precondition: the recipient's language is active (the detail is rendered in it)."""
    # ``%`` on the lazy string itself: a plural (``ngettext_lazy(..., "count")``) picks its form there.
    detail = str(item.detail % dict(item.params)) if item.params else str(item.detail)
    return {"title": item.title, "link": settings.SITE_URL + item.url, "detail": detail, "when": item.when}


def digest_email_build(content: "DigestContent") -> EmailMultiAlternatives:
    """The message for one user's digest (precondition: it lists at least one thing; the user has an address)."""
    recipient = content.user
    unsubscribe = unsubscribe_url(user_id=recipient.pk)
    with translation.override(language_of(recipient)):
        subject = ngettext(
            "Your daily digest: %(count)d new item on the Migration Network Hub",
            "Your daily digest: %(count)d new items on the Migration Network Hub",
            content.item_count,
        ) % {"count": content.item_count}
        objectives = [
            {
                "title": str(objective.objective),
                "sections": [
                    {"title": str(section.title), "items": [_item(item) for item in items]}
                    for section, items in objective.sections
                ],
            }
            for objective in content.objectives
        ]
        context = {
            "subject": subject,
            "intro": _("Here is what happened on the Migration Network Hub since your last digest."),
            "objectives": objectives,
            # The unread notifications (the key the templates have always used for them).
            "items": [
                {"notification": notification, "link": settings.SITE_URL + notification.url if notification.url else ""}
                for notification in content.notifications
            ],
            "zone": content.zone,
            "inbox_url": settings.SITE_URL + reverse("notifications:inbox"),
            "settings_url": settings.SITE_URL + reverse("notifications:settings"),
            "unsubscribe_url": unsubscribe,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
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
