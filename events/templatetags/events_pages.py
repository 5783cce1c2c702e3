"""Filters for the event pages: taxonomy keys by name, descriptions as safe HTML. (Times are shown in a
zone with Django's ``{% timezone %}`` block, which the ``date`` filter follows.)"""

from collections.abc import Iterable, Mapping

from django import template
from django.utils.safestring import SafeString, mark_safe

from discussions.rendering import render_markdown

register = template.Library()


@register.filter
def labelled(keys: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """The names of ``keys`` (a tag list), in the list's order; a key without a name is shown as is."""
    return [str(labels.get(key, key)) for key in keys or ()]


@register.filter
def markdown(text: str) -> SafeString:
    """An event's description: Markdown rendered, then cleaned to an allow-list (as messages are)."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 (nh3 cleaned it)
