"""What each part of the Hub counts per objective, for ``counts`` on the objective page.

The taxonomy knows nothing of spaces, resources, experts or events; each of those apps registers
a counter here from its ``AppConfig.ready()``, so this module never imports them.
"""

from collections.abc import Callable
from typing import Any

from gcm.models import Objective

ObjectiveCounter = Callable[[Objective], Any]

_counters: dict[str, ObjectiveCounter] = {}


def register_objective_counter(name: str, counter: ObjectiveCounter) -> None:
    _counters[name] = counter


def objective_counts(objective: Objective) -> dict[str, Any]:
    return {name: counter(objective) for name, counter in _counters.items()}
