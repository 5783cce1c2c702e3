"""Contacting an expert through the Hub, and relaying the message to them by email.

The sender never learns the expert's address: the relay goes to it as a blind copy (so it is in
the SMTP envelope only, in no header) with ``Reply-To`` the sender, so that the expert's answer,
if they choose to answer, is the first time the sender sees where they write from.
"""

import logging
import unicodedata
from datetime import datetime, timedelta
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from experts.contact_opt_out import contact_opt_out_url
from experts.models import Expert, ExpertContact
from hub.errors import ErrorCode, HubError
from notifications.models import Notification
from notifications.services import language_of, notification_create

logger = logging.getLogger(__name__)

CONTACT_SUBJECT_MAX = 200
CONTACT_MESSAGE_MAX = 5_000
RELAY_SUBJECT_PREFIX = "[Migration Network Hub]"
# Where the relay says nobody reads: the ``To:`` header of a message sent only in blind copy.
UNDISCLOSED_RECIPIENTS = "undisclosed-recipients:;"
# Characters that end a line somewhere: in an email header (CR, LF) or for a reader (the rest).
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# The profile languages that Django spells differently.
_DJANGO_LANGUAGE = {"zh": "zh-hans"}


def is_one_line(text: str) -> bool:
    """No line break and no control character: safe as an email header's value."""
    return not any(char in _LINE_BREAKS or unicodedata.category(char) == "Cc" for char in text)


def expert_contact(*, expert_id: int, sender: User, subject: str, message: str) -> ExpertContact:
    """Record a contact to an expert, tell the expert in the Hub, and relay it by email after commit.

    Refused: the expert does not accept contact (403), has no address or is the sender (400),
    the subject is not one line (400), or the sender has made ``EXPERT_CONTACT_RATE`` contacts in
    the last ``EXPERT_CONTACT_WINDOW`` seconds (429, ``retry_after`` = until the oldest of them
    leaves the window). Only recorded contacts count.
    """
    if not is_one_line(subject):
        raise HubError(ErrorCode.INVALID, _("The subject must be one line."))
    if not sender.email:
        raise HubError(ErrorCode.INVALID, _("Add an email address to your account: the expert replies to it."))
    with transaction.atomic():
        # The sender's row lock orders their parallel contacts: each counts the window after the
        # previous one committed, so a burst cannot pass the limit (SQLite: the write lock does it).
        list(User.objects.select_for_update().filter(pk=sender.pk).values_list("pk", flat=True))
        expert = Expert.objects.select_related("user").filter(pk=expert_id).first()
        if expert is None:
            raise HubError(ErrorCode.NOT_FOUND, _("No such expert."))
        if expert.user_id is not None and expert.user_id == sender.pk:
            raise HubError(ErrorCode.INVALID, _("You cannot contact yourself."))
        if not expert.accepts_contact:
            raise HubError(ErrorCode.FORBIDDEN, _("This expert does not accept contact through the Hub."))
        if not expert.email:
            raise HubError(ErrorCode.INVALID, _("This expert cannot be contacted: no address is on file."))
        now = timezone.now()
        _check_rate(sender, now)
        contact = ExpertContact.objects.create(expert=expert, sender=sender, subject=subject, message=message)
        if expert.user is not None:
            # In the same transaction: the expert is told in the Hub exactly once, even if the
            # email relay is lost (see ``contact_relay``).
            notification_create(
                recipient=expert.user,
                kind=Notification.Kind.CONTACT_REQUEST,
                title=gettext_lazy("%(sender)s wrote to you: %(subject)s"),
                params={"sender": sender.display_name or sender.username, "subject": subject},
                url=reverse("experts:profile", args=[expert.pk]),
                source_key=f"contact:{contact.pk}",
                email=False,  # the relay is the email
            )
        # Robust: with the broker down the contact stands (202) and the sweep relays it later.
        # (Not a ``partial``: Django names a failing robust callback by its ``__qualname__``.)
        contact_id = contact.pk
        transaction.on_commit(lambda: _enqueue_relay(contact_id), robust=True)
    return contact


def expert_contact_stop(*, expert_id: int) -> None:
    """Turn a profile's ``accepts_contact`` off (the relay's one-click link: no login behind it)."""
    Expert.objects.filter(pk=expert_id, accepts_contact=True).update(accepts_contact=False, updated_at=timezone.now())


def _check_rate(sender: User, now: datetime) -> None:
    window = timedelta(seconds=settings.EXPERT_CONTACT_WINDOW)
    recent = list(
        ExpertContact.objects.filter(sender=sender, created_at__gt=now - window)
        .order_by("created_at")
        .values_list("created_at", flat=True)[: settings.EXPERT_CONTACT_RATE]
    )
    if len(recent) >= settings.EXPERT_CONTACT_RATE:
        wait = max(1, int((recent[0] + window - now).total_seconds() + 0.999))
        raise HubError(
            ErrorCode.RATE_LIMITED,
            _("You have contacted %(n)d experts in the last hour; try again in %(minutes)d minutes.")
            % {"n": len(recent), "minutes": max(1, round(wait / 60))},
            retry_after=wait,
        )


def _enqueue_relay(contact_id: int) -> None:
    from experts.tasks import expert_contact_relay  # the tasks module imports this one

    expert_contact_relay.delay(contact_id)


def contact_relay(*, contact_id: int) -> bool:
    """Email one contact to its expert, at most once; True when this call sent it.

    The row is claimed (``relayed_at`` set where it was empty) before sending, so a task run
    twice (a retry, a redelivery, the sweep) sends once. The price: a worker that dies between
    the claim and the SMTP server's answer loses that relay (at-most-once); the expert still has
    the in-app notification and the contact in their list. A send that fails for a reason that
    may pass (the server unreachable, a 4xx answer) releases the claim and raises, so that the
    task is retried (and swept); a permanent refusal of the address (5xx) keeps it, and is logged.
    """
    claimed = ExpertContact.objects.filter(pk=contact_id, relayed_at=None).update(relayed_at=timezone.now())
    if claimed != 1:
        return False
    contact = ExpertContact.objects.select_related("expert__user", "sender").get(pk=contact_id)
    try:
        relayed_email(contact).send()
    except SMTPRecipientsRefused as refused:
        if all(code >= 500 for code, _reason in refused.recipients.values()):
            logger.warning("contact %s: the expert's address was refused for good: %s", contact_id, refused)
            return False
        _release(contact_id)
        raise
    except Exception:
        _release(contact_id)
        raise
    return True


def _release(contact_id: int) -> None:
    ExpertContact.objects.filter(pk=contact_id).update(relayed_at=None)


def relayed_email(contact: ExpertContact) -> EmailMessage:
    """The relay of ``contact``: to the expert in blind copy only, ``Reply-To`` the sender.

    The expert's address is in no header and not in the body (``To:`` says undisclosed
    recipients); the body, in the expert's language, says who wrote through the Hub and how to
    reply. ``List-Unsubscribe`` (one click, RFC 8058) stops further contacts.
    """
    expert, sender = contact.expert, contact.sender
    opt_out_url = contact_opt_out_url(expert.pk)
    # Someone without an account has no language setting: the one their profile is written in.
    language = (
        language_of(expert.user)
        if expert.user is not None
        else _DJANGO_LANGUAGE.get(expert.profile_language, expert.profile_language)
    )
    context = {
        "contact": contact,
        "expert_name": expert.name,
        "sender_name": sender.display_name or sender.username,
        "sender_username": sender.username,
        "site_url": settings.SITE_URL,
        "profile_url": settings.SITE_URL + reverse("experts:profile", args=[expert.pk]),
        "opt_out_url": opt_out_url,
    }
    with translation.override(language):
        body = render_to_string("experts/email/contact_relay.txt", context)
    return EmailMessage(
        subject=f"{RELAY_SUBJECT_PREFIX} {contact.subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[],
        bcc=[expert.email],
        reply_to=[sender.email],
        headers={
            "To": UNDISCLOSED_RECIPIENTS,
            "List-Unsubscribe": f"<{opt_out_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
