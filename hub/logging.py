"""Structured request logging: one line per request with fields a log pipeline can index."""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty

logger = logging.getLogger("hub.request")


class RequestLogMiddleware:
    """Logs method, path, status, duration and user id; works natively under ASGI and WSGI."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        # Django hands a sync or an async callable, as the rest of the chain is; ``is_async`` says which.
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response: HttpResponseBase = self.get_response(request)
        self._log(request, response, started, getattr(request, "user", None))
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response: HttpResponseBase = await self.get_response(request)
        self._log(request, response, started, await _user_async(request))
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponseBase, started: float, user: "_User") -> None:
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


_User = AbstractBaseUser | AnonymousUser | None


async def _user_async(request: HttpRequest) -> _User:
    """The request's user, resolved without blocking the event loop.

    This middleware runs on the event loop under ASGI. ``request.user`` is a lazy object that
    reads the session and user tables the first time it is used; when nothing resolved it (a
    page that does not exist, /healthz), doing it here is ORM work in async code, which Django
    refuses with ``SynchronousOnlyOperation``: every such answer to a logged-in user became a
    500. ``request.auser()`` does the same reads on the request's own database thread.
    """
    user: object = getattr(request, "user", None)
    if isinstance(user, LazyObject) and user._wrapped is empty and hasattr(request, "auser"):
        return await request.auser()
    return user if isinstance(user, AbstractBaseUser | AnonymousUser) else None  # (a lazy object passes as its user)
