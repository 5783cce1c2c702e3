"""What people wrote, isolated where markup cannot isolate it (hub/bidi.py says why).

``{{ event.title|isolated }}`` in ``<title>`` and in attribute values (``aria-label``, ``title``,
``alt``): the text between FSI and PDI, balanced. In element content use markup instead:
``dir="auto"`` on the element that holds the text, or ``{{ value|bdi }}`` for a value inside a
translated sentence (``{% blocktranslate with name=expert.name|bdi %}``), where no element of its
own can be written around it.
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hub.bidi import isolate

register = template.Library()


# is_safe: the characters added are not markup; a safe value stays safe, any other is escaped as usual.
@register.filter(is_safe=True)
def isolated(value: Any) -> str:
    return isolate("" if value is None else str(value))


@register.filter
def bdi(value: Any) -> SafeString | str:
    """The value, escaped, in a ``<bdi>`` element; nothing for an empty value."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
