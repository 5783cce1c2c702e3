"""Filters for the experts app's pages: taxonomy keys shown by their names."""

from collections.abc import Iterable, Mapping

from django import template

register = template.Library()


@register.filter
def labelled(keys: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """The names of ``keys`` (a tag list), in the list's order; a key without a name is shown as is."""
    return [str(labels.get(key, key)) for key in keys or ()]


@register.filter
def label_of(key: str, labels: Mapping[str, str]) -> str:
    return str(labels.get(key, key)) if key else ""
