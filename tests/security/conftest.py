from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import transaction

from gcm.taxonomy import load_taxonomy
from tests.security.hostile_world import HostileWorld, hostile_world_create


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[HostileWorld]:
    """The hostile world, made once per module (a few hundred rows) and rolled back at its end:
    each test's own transaction is a savepoint inside this one."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not apps.get_model("gcm", "Objective").objects.exists():
            load_taxonomy(apps)
        yield hostile_world_create()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db) -> HostileWorld:
    return module_world
