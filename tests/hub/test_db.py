"""hub.db.database_sync_to_async: Django's connection health check at most once a second."""

import pytest
from django.db import connection, connections

from accounts.models import User
from hub import db
from hub.db import database_sync_to_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture(autouse=True)
async def _persistent_connections(monkeypatch):
    """What these tests guard is the path without PostgreSQL's pool (``DATABASE_POOL=0``): with
    the pool, the pool checks each connection as it hands it out, and ``is_usable`` is not called.

    The connections are closed where they were opened (the thread ``database_sync_to_async``
    runs in) before the pool comes back: a connection opened without the pool must not be handed
    back to it later."""
    close_all = database_sync_to_async(connections.close_all)
    await close_all()
    settings_dict = connection.settings_dict
    options = {key: value for key, value in settings_dict.get("OPTIONS", {}).items() if key != "pool"}
    monkeypatch.setitem(settings_dict, "OPTIONS", options)
    monkeypatch.setitem(settings_dict, "CONN_MAX_AGE", 60)
    yield
    await close_all()


@pytest.fixture
def health_checks(monkeypatch):
    """How many times Django has checked the connection (the real check still runs)."""
    wrapper_class = type(connections["default"])
    original = wrapper_class.is_usable
    calls = []

    def counted(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(wrapper_class, "is_usable", counted)
    return calls


async def test_calls_within_a_second_share_one_health_check(health_checks):
    if not connection.settings_dict.get("CONN_HEALTH_CHECKS"):
        pytest.skip("health checks are on with PostgreSQL only")
    count = database_sync_to_async(User.objects.count)
    for _ in range(10):
        await count()
    assert len(health_checks) <= 2  # the first call's, and one more if the run crossed a second


async def test_without_the_delay_every_call_is_checked_as_django_does(health_checks, monkeypatch):
    if not connection.settings_dict.get("CONN_HEALTH_CHECKS"):
        pytest.skip("health checks are on with PostgreSQL only")
    monkeypatch.setattr(db, "CHECK_EVERY_SECONDS", 0)
    count = database_sync_to_async(User.objects.count)
    for _ in range(5):
        await count()
    assert len(health_checks) >= 4  # the very first call opens a fresh connection, unchecked
