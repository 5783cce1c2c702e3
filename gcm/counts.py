"""What other apps add to the objective page: their counts per objective and their sections.

The taxonomy knows nothing of spaces, resources, experts or events; each of those apps registers
here from its ``AppConfig.ready()``, so this module never imports them:

- a counter (``register_objective_counter``), for ``counts`` on the objective page and in the
  objectives API;
- a section (``register_objective_section``), a template rendered where the page's
  ``{% page_sections "objective" %}`` stands, with the page's context (``objective``,
  ``counts``) and whatever its context function adds (see ``hub.sections``).
"""

from collections.abc import Callable
from typing import Any

from gcm.models import Objective
from hub.sections import SectionContext, register_section

OBJECTIVE_PAGE = "objective"

ObjectiveCounter = Callable[[Objective], Any]

_counters: dict[str, ObjectiveCounter] = {}


def register_objective_counter(name: str, counter: ObjectiveCounter) -> None:
    _counters[name] = counter


def objective_counts(objective: Objective) -> dict[str, Any]:
    return {name: counter(objective) for name, counter in _counters.items()}


def register_objective_section(template_name: str, context_function: SectionContext | None = None, *,
                               order: int) -> None:  # fmt: skip
    register_section(OBJECTIVE_PAGE, template_name, context_function, order=order)
