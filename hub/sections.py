"""Sections that apps contribute to a page, so that the page's own app imports none of them.

A page names itself (``"home"``, ``"objective"``) and renders ``{% page_sections "<page>" %}``
(``hub_sections`` template tags) where the sections go. Each app registers its sections from its
``AppConfig.ready()``: a template, rendered with the page's context plus what the section's
context function returns (a selector's results: no queries in the template), and an order.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

SectionContext = Callable[[HttpRequest, Mapping[str, Any]], Mapping[str, Any]]
"""(request, the page's context) -> what the section's template needs besides."""


@dataclass(frozen=True)
class Section:
    template_name: str
    context_function: SectionContext | None
    order: int


_sections: dict[str, dict[str, Section]] = {}  # page -> template name -> section


def register_section(page: str, template_name: str, context_function: SectionContext | None = None, *,
                     order: int) -> None:  # fmt: skip
    """Registering a template again replaces it (``ready()`` may run more than once in tests)."""
    _sections.setdefault(page, {})[template_name] = Section(template_name, context_function, order)


def sections_of(page: str) -> list[Section]:
    """The page's sections, in the order they render."""
    return sorted(_sections.get(page, {}).values(), key=lambda section: (section.order, section.template_name))
