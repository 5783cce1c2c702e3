"""Notification emails serialized once per content; each recipient's own parts filled in as bytes.

An announcement sends the same email to thousands of people: only the address, the Message-ID, the
Date and the unsubscribe link differ. Building and serializing a MIME message per recipient
(Python's ``email`` package: header encoding and folding, a boundary, the generator) was the
largest part of the worker's CPU per email. Here each distinct (language, title, body, link) is
built once, by the same ``EmailMultiAlternatives`` a lone notification email is built with
(``emails.notification_message``), with *slots* (unique ASCII markers) where the per-recipient
parts go; a recipient's message is those bytes with the slots filled in, in one pass.

That is exact only if serializing left every slot literal, and it may not: a line longer than
998 characters turns its part quoted-printable (whose soft line breaks can cut a slot in two), a
title holding a slot's marker would add one. So the built bytes are checked: each slot must occur
exactly as often as it was put in, else ``slotted_email`` returns None and the caller builds those
messages whole (``emails.notification_email``). A value that the serializer would have encoded
(an address or a link that is not plain ASCII) is refused by ``SlottedEmail.filled`` (None) for
the same fallback. ``tests/notifications/test_email_slots.py`` checks that a filled message is
byte for byte the message built whole, Date, Message-ID and MIME boundary aside.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, make_msgid
from functools import lru_cache

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.html import escape

from notifications.emails import UNSUBSCRIBE_SLOT, notification_message, notification_rendering
from notifications.unsubscribe import unsubscribe_token

# The slots, in the order ``SlottedEmail.filled`` takes their values: four header values and the
# unsubscribe link in the text and in the HTML part. Each is a valid value of its header (an address,
# a msg-id, a link) so that the message is built exactly as it is with a real one.
_SLOT_TO = "hub-slot-to-5e1f0a@slot.invalid"
_SLOT_DATE = "hub-slot-date-5e1f0a"
_SLOT_MESSAGE_ID = "<hub-slot-message-id-5e1f0a@slot.invalid>"
_SLOT_LIST_UNSUBSCRIBE_LINK = "https://slot.invalid/hub-slot-list-unsubscribe-5e1f0a/"
_SLOT_LIST_UNSUBSCRIBE = f"<{_SLOT_LIST_UNSUBSCRIBE_LINK}>"  # the header's whole value
_SLOT_UNSUBSCRIBE_TEXT = "https://slot.invalid/hub-slot-unsubscribe-text-5e1f0a/"
_SLOT_UNSUBSCRIBE_HTML = "https://slot.invalid/hub-slot-unsubscribe-html-5e1f0a/"
_SLOTS = (
    _SLOT_TO,
    _SLOT_DATE,
    _SLOT_MESSAGE_ID,
    _SLOT_LIST_UNSUBSCRIBE,
    _SLOT_UNSUBSCRIBE_TEXT,
    _SLOT_UNSUBSCRIBE_HTML,
)
_HEADER_SLOTS = {"To": _SLOT_TO, "Date": _SLOT_DATE, "Message-ID": _SLOT_MESSAGE_ID,
                 "List-Unsubscribe": _SLOT_LIST_UNSUBSCRIBE}  # fmt: skip
_SLOT_INDEX = {slot.encode(): index for index, slot in enumerate(_SLOTS)}
_SLOT_PATTERN = re.compile(b"(" + b"|".join(re.escape(slot.encode()) for slot in _SLOTS) + b")")
# A part the serializer encoded (quoted-printable for a line over 998 characters, base64): its
# bytes are not its text, and a longer value filled into it would break its line lengths.
_ENCODED_PART = re.compile(rb"^Content-Transfer-Encoding: (?!7bit\r$|8bit\r$)", re.MULTILINE | re.IGNORECASE)

# An address Django would put into the To header and the envelope as it is (``sanitize_address`` of
# a plain ASCII local@domain without a display name returns it unchanged); anything else is built whole.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,190}[A-Za-z0-9])?")
# Where Python's ``email.header`` may fold a header (its split characters) or must encode it.
_NOT_ONE_WORD = re.compile(r"[;,\s]|[^\x21-\x7e]")
_MAX_LINE = 78  # the compat32 policy's, which Django's messages use


def _header(name: str, value: str) -> str:
    """``value`` as the compat32 policy writes one word (no split character) in header ``name``:
    on the header's line when it fits in 78 characters, else alone on a continuation line."""
    return f"\r\n {value}" if len(name) + 2 + len(value) > _MAX_LINE else value


@dataclass(frozen=True)
class SlottedEmail:
    """One serialized message cut at its slots: ``literals[0]``, the value of slot ``slots[0]``,
    ``literals[1]``, … ``literals[-1]``."""

    envelope_from: str
    literals: tuple[bytes, ...]
    slots: tuple[int, ...]

    def filled(self, *, to: str, unsubscribe: str) -> bytes | None:
        """The bytes of the message to ``to`` with its own unsubscribe link, a fresh Date and Message-ID;
        None when a value is not one the serializer would have written as it is (build it whole)."""
        message_id = make_msgid(domain=DNS_NAME)
        if (
            _PLAIN_ADDRESS.fullmatch(to) is None
            or _NOT_ONE_WORD.search(unsubscribe)
            or _NOT_ONE_WORD.search(message_id)
        ):
            return None
        values = (
            _header("To", to),
            formatdate(localtime=settings.EMAIL_USE_LOCALTIME),  # "Date: " and 31 characters: never folded
            _header("Message-ID", message_id),
            _header("List-Unsubscribe", f"<{unsubscribe}>"),
            unsubscribe,
            escape(unsubscribe),
        )
        encoded = [value.encode("ascii") for value in values]
        out = [self.literals[0]]
        for slot, literal in zip(self.slots, self.literals[1:], strict=True):
            out.append(encoded[slot])
            out.append(literal)
        return b"".join(out)


def slotted_email(*, language: str, title: str, body: str, url: str) -> SlottedEmail | None:
    """The notification email for this content with slots, or None when serializing did not keep every
    slot literal (see the module docstring). Precondition: the caller's ``renderings_shared`` block."""
    text, html = notification_rendering(language=language, title=title, body=body, url=url)
    message = notification_message(
        to=_SLOT_TO,
        title=title,
        text=text.replace(UNSUBSCRIBE_SLOT, _SLOT_UNSUBSCRIBE_TEXT),
        html=html.replace(UNSUBSCRIBE_SLOT, _SLOT_UNSUBSCRIBE_HTML),
        unsubscribe=_SLOT_LIST_UNSUBSCRIBE_LINK,
        dated={"Date": _SLOT_DATE, "Message-ID": _SLOT_MESSAGE_ID},
    )
    # What Django's SMTP backend sends (its MIME classes take ``linesep``; the stubs type them as Message).
    data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    if _ENCODED_PART.search(data):
        return None
    expected = {
        _SLOT_TO: 1,
        _SLOT_DATE: 1,
        _SLOT_MESSAGE_ID: 1,
        _SLOT_LIST_UNSUBSCRIBE: 1,
        _SLOT_UNSUBSCRIBE_TEXT: text.count(UNSUBSCRIBE_SLOT),
        _SLOT_UNSUBSCRIBE_HTML: html.count(UNSUBSCRIBE_SLOT),
    }
    if any(data.count(slot.encode()) != count for slot, count in expected.items()):
        return None
    # Each header slot on its header's own line, unfolded: ``SlottedEmail.filled`` folds the real value.
    if any(data.count(f"\r\n{name}: {slot}\r\n".encode()) != 1 for name, slot in _HEADER_SLOTS.items()):
        return None
    pieces = _SLOT_PATTERN.split(data)
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return SlottedEmail(
        envelope_from=sanitize_address(message.from_email, encoding),
        literals=tuple(pieces[0::2]),
        slots=tuple(_SLOT_INDEX[slot] for slot in pieces[1::2]),
    )


@lru_cache(maxsize=64)
def _slotted_email_kept(
    language: str, title: str, body: str, url: str, _site_url: str, _from_email: str
) -> SlottedEmail | None:
    return slotted_email(language=language, title=title, body=body, url=url)


def slotted_email_kept(*, language: str, title: str, body: str, url: str) -> SlottedEmail | None:
    """``slotted_email``, kept per process for the next chunks: an announcement of 10,000 goes out in
    a hundred chunks that would each build the same few messages again (measured: 15 % of the worker's
    CPU per email). Its bytes hold nothing of a recipient, and the settings it depends on are part of
    the key; any setting changed (tests) empties it."""
    return _slotted_email_kept(language, title, body, url, settings.SITE_URL, settings.DEFAULT_FROM_EMAIL)


@receiver(setting_changed)
def _forget_kept_emails(**_kwargs: object) -> None:
    _slotted_email_kept.cache_clear()


def unsubscribe_urls() -> Callable[[int], str]:
    """``unsubscribe.unsubscribe_url`` for many users: the URL is resolved once, only the token per user.

    A token is ``<id>:<signature>`` in URL-safe characters, which ``reverse`` inserts unchanged."""
    marker = "hub-slot-token-5e1f0a"
    prefix, _marker, suffix = (settings.SITE_URL + reverse("notifications:unsubscribe", args=[marker])).partition(
        marker
    )

    def url(user_id: int) -> str:
        return f"{prefix}{unsubscribe_token(user_id=user_id)}{suffix}"

    return url
