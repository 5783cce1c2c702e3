import factory
from django.contrib.auth.hashers import make_password

from accounts.models import User

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = None


def _hashed_password() -> str:
    # Hash once per run: Argon2 is deliberately slow, and factories make many users.
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@hub.example")
    display_name = factory.Faker("name")
    password = factory.LazyFunction(_hashed_password)
