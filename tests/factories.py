from django.contrib.auth.hashers import make_password
from factory.declarations import LazyAttribute, LazyFunction, Sequence
from factory.django import DjangoModelFactory
from factory.faker import Faker

from accounts.models import User

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = None


def _hashed_password() -> str:
    # Hash once per run: Argon2 is deliberately slow, and factories make many users.
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class UserFactory(DjangoModelFactory[User]):
    """``UserFactory.create(...)`` (typed as a ``User``; calling the class is the same, untyped)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda user: f"{user.username}@hub.example")
    display_name = Faker("name")
    password = LazyFunction(_hashed_password)
