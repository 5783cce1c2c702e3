"""Webhooks in the data-rights registry (``accounts.personal_data``).

Export: the webhooks the user registered (never their secrets). Erasure: the user's webhooks go
(their deliveries with them), and the stored payloads of *other* webhooks' deliveries that name
the user (a message they wrote or that mentions them, an event they organized, a resource they
submitted) are rewritten with the erased account's neutral name, as the API now shows it.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.erasure import ERASED_EMAIL_DOMAIN, erased_username
from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export
from webhooks.models import Delivery, Webhook


def webhook_items(user: User) -> Iterator[Mapping[str, Any]]:
    webhooks = Webhook.objects.filter(owner=user).select_related("space").order_by("pk")
    for webhook in webhooks.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": webhook.pk,
            "url": webhook.url,
            "events": list(webhook.events),
            "space": webhook.space.slug if webhook.space is not None else None,
            "active": webhook.active,
            "created_at": iso(webhook.created_at),
            "disabled_at": iso(webhook.disabled_at),
        }


def _replacements(user: User) -> list[tuple[re.Pattern[str], str]]:
    """What names the user in a payload, and what replaces it (the erased account's shown name).

    Names are replaced where they stand as words ("@amina" but not inside "laminated"); the email
    address wherever it occurs."""
    neutral = erased_username(user)
    names = {name for name in (user.username, user.display_name, user.get_full_name()) if name.strip()}
    patterns = [
        (re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), neutral) for name in sorted(names, key=len, reverse=True)
    ]
    if user.email:
        patterns.append((re.compile(re.escape(user.email), re.IGNORECASE), f"{neutral}@{ERASED_EMAIL_DOMAIN}"))
    return patterns


def _scrubbed(value: Any, patterns: list[tuple[re.Pattern[str], str]]) -> Any:
    if isinstance(value, str):
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_scrubbed(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, patterns) for key, item in value.items()}
    return value


def webhooks_erase(user: User) -> None:
    Webhook.objects.filter(owner=user).delete()
    patterns = _replacements(user)
    if not patterns:
        return
    # Candidates found by the database (the payload as text holds a name, raw or JSON-escaped),
    # each rewritten in Python, where words are told apart.
    needles = {user.username, user.display_name, user.email} - {""}
    needles |= {json.dumps(needle)[1:-1] for needle in needles}
    naming = Q()
    for needle in needles:
        naming |= Q(text__icontains=needle)
    candidates = Delivery.objects.annotate(text=Cast("data", TextField())).filter(naming).only("pk", "data")
    for delivery in candidates.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        scrubbed = _scrubbed(delivery.data, patterns)
        if scrubbed != delivery.data:
            Delivery.objects.filter(pk=delivery.pk).update(data=scrubbed)


register_export(
    "webhooks",
    items=webhook_items,
    description=_("The webhooks you registered: addresses the Hub sends events to (their secrets are not shown)."),
    fields={
        "id": _("The webhook's number."),
        "url": _("Where its deliveries are sent."),
        "events": _("The events it receives."),
        "space": _("The space whose messages it receives, or null for public spaces."),
        "active": _("False once disabled."),
        "created_at": _("When you registered it."),
        "disabled_at": _("When it was disabled, or null."),
    },
    order=70,
)
register_eraser("webhooks", erase=webhooks_erase, handles=["webhooks.Webhook.owner"], order=70)
