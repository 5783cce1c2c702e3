"""Database calls from async code (socket frames), cheaper than Channels' own wrapper.

Channels' ``database_sync_to_async`` runs Django's ``close_old_connections`` before and after
every call, as Django does around every HTTP request. With ``CONN_HEALTH_CHECKS`` on, that makes
the next query of every call a ``SELECT 1`` first: for a socket, one extra round trip per frame,
on the one thread a server process gives to the database. Measured on a thousand sockets
connecting at once, it was the largest single cost of that thread.

With PostgreSQL's connection pool (the services settings), a call's connection comes from the
pool and goes back after it; the pool checks it as it is handed out (one empty round trip). The
rest of this module is what keeps the check cheap without a pool (``CONN_MAX_AGE``):
Django's health check runs at most once per ``CHECK_EVERY_SECONDS`` per connection, as
PgBouncer does with ``server_check_delay``. Everything else of ``close_old_connections`` still
runs on every call: a connection past ``CONN_MAX_AGE``, left outside autocommit, or that raised a
database error is checked or closed as before. The cost: in the second after PostgreSQL restarts,
a call can fail once on a dead connection (its socket gets an error or is closed, and the client
resends by ``client_id``); that error makes the next call reconnect.
"""

import time
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

CHECK_EVERY_SECONDS = 1.0

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _Connection(Protocol):
    """What is read and marked here on Django's connection wrapper: ``health_check_done`` (Django
    4.1+, missing from django-stubs) and ``hub_checked_at``, this module's own mark."""

    connection: Any
    health_check_done: bool
    hub_checked_at: float


def _close_old_connections_before_call() -> None:
    now = time.monotonic()
    for wrapper in connections.all(initialized_only=True):
        wrapper.close_if_unusable_or_obsolete()  # also asks for a health check before next use
        connection = cast(_Connection, wrapper)  # the attributes above, which its stubs lack
        if connection.connection is None or connection.health_check_done:
            continue  # closed (it reconnects on use), or just checked because of an error
        if now - getattr(connection, "hub_checked_at", float("-inf")) < CHECK_EVERY_SECONDS:
            connection.health_check_done = True  # checked less than a second ago
        else:
            connection.hub_checked_at = now  # Django checks it on this call's first query


class DatabaseSyncToAsync(SyncToAsync[_P, _R]):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        _close_old_connections_before_call()
        try:
            return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]  # asgiref's is untyped
        finally:
            close_old_connections()


def database_sync_to_async(func: Callable[_P, _R]) -> DatabaseSyncToAsync[_P, _R]:
    """Like ``channels.db.database_sync_to_async`` (thread-sensitive), with the cheaper health check."""
    return DatabaseSyncToAsync(func)
