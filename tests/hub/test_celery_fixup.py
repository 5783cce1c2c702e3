"""Celery tasks keep Django's connection pool (config/celery_fixup.py).

Celery's own Django fix-up closes the pool at every task boundary in a prefork worker
(celery/celery#10554): each task then opened new PostgreSQL connections. Ours gives the connections
back to the pool and keeps it.
"""

from types import SimpleNamespace
from typing import Any, cast

import pytest
from celery.fixups.django import DjangoWorkerFixup  # type: ignore[attr-defined]
from django.db import connection

from config.celery import app
from config.celery_fixup import PoolKeepingDjangoFixup, PoolKeepingWorkerFixup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

# Django's PostgreSQL wrapper (typed as the base wrapper, which has no pool).
database = cast(Any, connection)
PREFORK_WORKER = SimpleNamespace(pool_cls="celery.concurrency.prefork:TaskPool")
A_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))


def task_boundary(fixup_class: type) -> None:
    """Run a task's start and end as a prefork worker's child does, around a query."""
    fixup = fixup_class(app)
    fixup.worker = PREFORK_WORKER
    fixup.on_task_prerun(sender=A_TASK)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    fixup.on_task_postrun(sender=A_TASK)


def test_the_hubs_celery_app_uses_the_pool_keeping_fixup():
    fixups = [fixup for fixup in cast(Any, app)._fixups if isinstance(fixup, PoolKeepingDjangoFixup)]
    assert len(fixups) == 1
    assert isinstance(fixups[0].worker_fixup, PoolKeepingWorkerFixup)


def test_a_task_boundary_gives_the_connection_back_and_keeps_the_pool():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    pool = database.pool
    assert pool is not None, "the services settings use Django's connection pool"

    task_boundary(PoolKeepingWorkerFixup)

    assert connection.connection is None  # given back
    assert database.pool is pool and not pool.closed
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert pool.get_stats()["connections_num"] >= 1


def test_celerys_own_fixup_still_closes_the_pool_at_each_task():
    """When this fails, Celery has shipped the fix (celery/celery#10555): drop config/celery_fixup.py."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    pool = database.pool

    task_boundary(DjangoWorkerFixup)

    assert pool is not None and pool.closed
    assert database.pool is not pool
