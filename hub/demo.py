"""Realistic, deterministic demo content for a fresh Hub (``manage.py seed_demo``).

Each part of the Hub adds a seeder here; every seeder draws from the one ``random.Random`` it is
given, so the same ``--seed`` always yields the same Hub.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User

DEMO_STAFF_USERNAME = "admin"
DEMO_USER_PASSWORD = "hub-demo-password"  # noqa: S105 (demo accounts only, printed on purpose)
BATCH_SIZE = 1000

GIVEN_NAMES = [
    "Amina", "Kwame", "Fatou", "Tendai", "Chiara", "Lars", "Ana", "Mateo", "Sofía", "Lucía", "Priya", "Arjun",
    "Mei", "Wei", "Yuki", "Hiroshi", "Olga", "Dmitri", "Leila", "Omar", "Nour", "Youssef", "Aroha", "Tane",
    "Siosaia", "Mele", "Ingrid", "Pierre", "Camille", "Joaquín", "Thandiwe", "Chukwuemeka", "Ayesha", "Farid",
    "Bich", "Minh", "Grace", "Samuel", "Esther", "Rafael",
]  # fmt: skip
FAMILY_NAMES = [
    "Diallo", "Mensah", "Ndiaye", "Moyo", "Rossi", "Andersen", "Silva", "González", "Ramírez", "Herrera",
    "Sharma", "Patel", "Chen", "Li", "Tanaka", "Sato", "Ivanova", "Petrov", "Haddad", "Mansour", "Khalil",
    "El Amrani", "Ngata", "Parata", "Tupou", "Fifita", "Johansson", "Dubois", "Lefèvre", "Castillo", "Dlamini",
    "Okafor", "Rahman", "Karimi", "Nguyen", "Tran", "Mwangi", "Otieno", "Kagame", "Flores",
]  # fmt: skip
EMAIL_DOMAINS = ["iom.int", "unodc.org", "ilo.org", "unhcr.org", "gov.example", "ngo.example", "univ.example"]


@dataclass
class DemoOptions:
    seed: int = 2018
    users: int = 60


Seeder = Callable[[random.Random, DemoOptions], Iterator[int]]
"""A seeder yields progress steps as it goes (drives the progress bar); its count says how many."""


def seed_users(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    password = make_password(DEMO_USER_PASSWORD)  # hashed once: Argon2 is slow on purpose
    staff = User(username=DEMO_STAFF_USERNAME, email="admin@hub.example", display_name="Hub Administrator",
                 is_staff=True, is_superuser=True, password=password)  # fmt: skip
    staff.save()
    yield 1
    taken = {DEMO_STAFF_USERNAME}
    batch = []
    for index in range(options.users):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        username = _unique(f"{given}.{family}".lower().replace(" ", ""), taken, index)
        batch.append(User(username=username, email=f"{username}@{rng.choice(EMAIL_DOMAINS)}",
                          display_name=f"{given} {family}", password=password))  # fmt: skip
        if len(batch) >= BATCH_SIZE:
            User.objects.bulk_create(batch)
            yield len(batch)
            batch = []
    User.objects.bulk_create(batch)
    yield len(batch)


def _unique(username: str, taken: set[str], index: int) -> str:
    candidate = username if username not in taken else f"{username}{index}"
    taken.add(candidate)
    return candidate


def _seed_discussions(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    from discussions.demo import seed_discussions

    yield from seed_discussions(rng, options)


def _discussion_steps() -> int:
    from discussions.demo import SPACES_WITH_CONVERSATIONS

    return len(SPACES_WITH_CONVERSATIONS)


SEEDERS: list[tuple[str, Seeder, Callable[[DemoOptions], int]]] = [
    ("users", seed_users, lambda options: options.users + 1),
    ("discussions", _seed_discussions, lambda options: _discussion_steps()),
]


def demo_already_seeded() -> bool:
    return User.objects.filter(username=DEMO_STAFF_USERNAME).exists()


def seed_demo(options: DemoOptions, progress: Callable[[int], None]) -> None:
    """Fill the Hub; one transaction, so a failure leaves nothing half-made."""
    rng = random.Random(options.seed)  # noqa: S311 (demo data, determinism wanted)
    with transaction.atomic():
        for _name, seeder, _total in SEEDERS:
            for created in seeder(rng, options):
                progress(created)
