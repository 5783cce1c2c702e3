"""Demo users for ``seed_demo``: one staff login and ``--users`` people with plausible names.

Registered from ``AccountsConfig.ready()``; it runs first, since every other part needs people.
As the contract asks, the ``--users`` have unusable passwords and addresses at example.org (a
domain reserved for examples: nothing is ever delivered to a real person); only the staff user
logs in. Their subscriptions and email preference are ``notifications.demo``'s part, which runs
right after. 10,000 users take about a second: no password is hashed for them, and rows go in
batches of ``BATCH_SIZE``.
"""

import random
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password

from accounts.models import User
from hub.demo import DemoCount, DemoOptions

DEMO_STAFF_USERNAME = "admin"
DEMO_USER_PASSWORD = "hub-demo-password"  # noqa: S105 (demo accounts only, printed on purpose)
BATCH_SIZE = 1000
USERS = DemoCount("users", 60, "How many demo users besides the staff user.")

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
DEMO_EMAIL_DOMAIN = "example.org"


def seed_users(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    """Yields one step per user made (``user_steps``)."""
    staff = User(username=DEMO_STAFF_USERNAME, email="admin@hub.example", display_name="Hub Administrator",
                 is_staff=True, is_superuser=True, password=make_password(DEMO_USER_PASSWORD))  # fmt: skip
    staff.save()
    yield 1
    taken = {DEMO_STAFF_USERNAME}
    batch = []
    for index in range(options.count(USERS.name)):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        username = _unique(f"{given}.{family}".lower().replace(" ", ""), taken, index)
        # make_password(None): an unusable password ("!" and random characters), no hashing.
        batch.append(User(username=username, email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                          display_name=f"{given} {family}", password=make_password(None)))  # fmt: skip
        if len(batch) >= BATCH_SIZE:
            User.objects.bulk_create(batch)
            yield len(batch)
            batch = []
    User.objects.bulk_create(batch)
    yield len(batch)


def user_steps(options: DemoOptions) -> int:
    return options.count(USERS.name) + 1


def _unique(username: str, taken: set[str], index: int) -> str:
    candidate = username if username not in taken else f"{username}{index}"
    taken.add(candidate)
    return candidate


def staff_user_exists() -> bool:
    return User.objects.filter(username=DEMO_STAFF_USERNAME).exists()


def login_notice() -> str:
    return (
        f"Staff login: username {DEMO_STAFF_USERNAME!r}, password {DEMO_USER_PASSWORD!r} "
        "(the other demo users have no usable password)."
    )
