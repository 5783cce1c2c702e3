"""Realistic, deterministic demo content for a fresh Hub (``manage.py seed_demo``).

``hub`` knows none of the apps: each app registers the part it seeds from its
``AppConfig.ready()`` with ``register_seeder``, and declares there the counts it reads (``--users
N``, ``--experts N``), which become the command's options. Parts run in ascending ``order``
(accounts' users before the content that needs them), all in one transaction. Each part draws from
a ``random.Random`` of its own, seeded by ``--seed`` and its name, so the same seed always yields
the same Hub, and a part added later changes nothing that the others make.
"""

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

DEFAULT_SEED = 2018


@dataclass(frozen=True)
class DemoCount:
    """A number of things a part makes, given on the command line as ``--<name> N``."""

    name: str
    default: int
    help: str


@dataclass(frozen=True)
class DemoOptions:
    seed: int = DEFAULT_SEED
    counts: Mapping[str, int] = field(default_factory=dict)  # by ``DemoCount.name``

    def count(self, name: str) -> int:
        """The count asked for, else the default its part declared."""
        if name in self.counts:
            return self.counts[name]
        return _declared_count(name).default


Seeder = Callable[[random.Random, DemoOptions], Iterator[int]]
"""A seeder yields progress steps as it goes (drives the progress bar); its ``steps`` say how many."""


@dataclass(frozen=True)
class DemoPart:
    name: str
    seeder: Seeder
    steps: Callable[[DemoOptions], int]
    order: int
    counts: tuple[DemoCount, ...] = ()
    already_seeded: Callable[[], bool] | None = None
    notice: Callable[[], str] | None = None


_parts: dict[str, DemoPart] = {}


def register_seeder(
    name: str,
    seeder: Seeder,
    steps: Callable[[DemoOptions], int],
    *,
    order: int,
    counts: tuple[DemoCount, ...] = (),
    already_seeded: Callable[[], bool] | None = None,
    notice: Callable[[], str] | None = None,
) -> None:
    """Add an app's part of the demo. Call from ``AppConfig.ready()``.

    ``steps(options)`` is how many steps ``seeder`` will yield in all. ``already_seeded`` tells
    whether this database already holds the demo (``seed_demo`` then refuses, or with
    ``--if-empty`` skips); ``notice`` is a line printed once the demo is there (how to log in).
    Registering a name again replaces it (``ready()`` may run more than once in tests).
    """
    taken = {count.name: part.name for part in _parts.values() if part.name != name for count in part.counts}
    for count in counts:
        if count.name in taken:
            raise ImproperlyConfigured(f"seed_demo --{count.name} is declared by both {taken[count.name]} and {name}")
    _parts[name] = DemoPart(name, seeder, steps, order, counts, already_seeded, notice)


def demo_parts() -> list[DemoPart]:
    """The registered parts, in the order they run."""
    return sorted(_parts.values(), key=lambda part: (part.order, part.name))


def demo_counts() -> list[DemoCount]:
    return [count for part in demo_parts() for count in part.counts]


def _declared_count(name: str) -> DemoCount:
    for count in demo_counts():
        if count.name == name:
            return count
    raise KeyError(f"no demo part declares the count {name!r}")


def demo_already_seeded() -> bool:
    return any(part.already_seeded() for part in demo_parts() if part.already_seeded is not None)


def demo_steps(options: DemoOptions) -> int:
    return sum(part.steps(options) for part in demo_parts())


def demo_notices() -> list[str]:
    return [part.notice() for part in demo_parts() if part.notice is not None]


def seed_demo(options: DemoOptions, progress: Callable[[int], object]) -> None:
    """Fill the Hub; one transaction, so a failure leaves nothing half-made."""
    with transaction.atomic():
        for part in demo_parts():
            rng = random.Random(f"{options.seed}:{part.name}")  # noqa: S311 (demo data, determinism wanted)
            for steps in part.seeder(rng, options):
                progress(steps)
