"""Celery's Django fix-up, except that Django's connection pool outlives each task.

Celery 5.7's fix-up closes Django's psycopg pool before and after every task in a prefork worker
(celery/celery#10554, fix proposed in #10555), so every task opened its PostgreSQL connections anew.
An announcement to 10,000 subscribers runs as a hundred email tasks of four connections each: about
400 new PostgreSQL backends, whose start-up cost the database ~11 s of CPU, as much as the emails
themselves, and the worker ~5 % of its own (measured, docs/benchmarks.md "Announcements").

Here a task boundary gives each connection back to the pool (Django's ``close()``, as Celery does
first); the pool stays open, and checks a connection before lending it again (``CONN_HEALTH_CHECKS``)
so that one broken meanwhile (a database restart) is replaced, not handed to the next task. A child
process still closes the pool it inherited over ``fork`` when it starts, through Celery's own
``on_worker_process_init``, which this leaves as it is. Remove once Celery ships the fix.
"""

import os
from typing import Any

from celery import Celery
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup  # type: ignore[attr-defined]


# celery-types does not know DjangoWorkerFixup (Any to mypy).
class PoolKeepingWorkerFixup(DjangoWorkerFixup):  # type: ignore[misc]
    """Celery's worker fix-up but at a task's start and end, where the pool is kept. Everywhere else
    (the worker's start, before it forks its children; a child's start; beat) it is Celery's own."""

    def on_task_prerun(self, sender: Any, **kwargs: object) -> None:
        if not getattr(sender.request, "is_eager", False):
            self._connections_back()

    def on_task_postrun(self, sender: Any, **kwargs: object) -> None:
        if not getattr(sender.request, "is_eager", False):
            self._connections_back()
            self.close_cache()

    def _connections_back(self) -> None:
        """Every connection back to the pool (closed where there is none), the pool kept."""
        for connection in self._db.connections.all(initialized_only=True):
            try:
                connection.close()
            except self.interface_errors:
                pass
            except self.DatabaseError as error:
                if "closed" not in str(error) and "not connected" not in str(error):
                    raise


class PoolKeepingDjangoFixup(DjangoFixup):
    _worker_fixup: DjangoWorkerFixup | None

    @property
    def worker_fixup(self) -> DjangoWorkerFixup:
        # Made when first needed, as Celery's is: making it reads the app's configuration.
        if self._worker_fixup is None:
            self._worker_fixup = PoolKeepingWorkerFixup(self.app)
        return self._worker_fixup

    @worker_fixup.setter
    def worker_fixup(self, value: DjangoWorkerFixup) -> None:
        self._worker_fixup = value


def fixup(app: Celery, env: str = "DJANGO_SETTINGS_MODULE") -> DjangoFixup | None:
    """What ``celery.fixups.django.fixup`` does, with the fix-up above (``Celery(fixups=[…])``)."""
    if not os.environ.get(env) or "django" in (app.loader_cls or "").lower():
        return None
    installed = PoolKeepingDjangoFixup(app)
    installed.install()
    return installed
