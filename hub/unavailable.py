"""What the Hub answers while PostgreSQL cannot be reached, outside DRF's own exception handler.

REST views get their 503 from ``hub.errors.api_exception_handler``. This module covers the rest:

- pages: a view that fails on the database answers a plain 503 (the error templates read the
  user, a database call themselves), JSON under ``/api/`` like DRF's;
- socket handshakes: the token is read before any consumer runs, so a database error there would
  reach the ASGI server, which answers a bare HTTP 500. ``SocketDatabaseGuard`` accepts and closes
  such a socket with 1013 (Try Again Later) instead, as the consumer does for its own database
  errors at the handshake. Open sockets are not closed: a frame that needs the database gets an
  ``error`` frame ``database_unavailable`` (``realtime.consumer``).
"""

import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

from hub.errors import DATABASE_UNAVAILABLE_ERRORS, database_unavailable
from realtime.codes import CloseCode

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """A view's database error is a 503 with ``Retry-After``, never Django's 500 page."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        logger.warning("%s %s: the database is unavailable: %s", request.method, request.path, exception)
        error = database_unavailable()
        headers = {"Retry-After": str(error.retry_after)}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": error.detail, "code": error.code.value}, status=503, headers=headers)
        return HttpResponse(error.detail, status=503, headers=headers, content_type="text/plain; charset=utf-8")


ASGIApp = Callable[[Any, Any, Any], Awaitable[Any]]


class SocketDatabaseGuard:
    """Wraps the WebSocket application: a database error that escapes it closes the socket with 1013.

    ``send`` goes to the application untouched (the fan-out's fast path finds uvicorn's protocol
    through it, ``realtime.wire``), so the guard cannot know whether the socket was accepted: it
    tries to accept, which the server refuses on an accepted socket, then to close.
    """

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.inner(scope, receive, send)
        except DATABASE_UNAVAILABLE_ERRORS as error:
            logger.warning("socket %s: the database is unavailable: %s", scope.get("path"), error)
            close = {"type": "websocket.close", "code": CloseCode.TRY_AGAIN_LATER}
            for message in ({"type": "websocket.accept"}, close):
                with suppress(Exception):  # already accepted, or already closed: nothing more to say
                    await send(message)
