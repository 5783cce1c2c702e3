"""Structured request logging: one line per request with fields a log pipeline can index."""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

logger = logging.getLogger("hub.request")


class RequestLogMiddleware:
    """Logs method, path, status, duration and user id; works natively under ASGI and WSGI."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        self._log(request, response, started)
        return response

    async def _acall(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        self._log(request, response, started)
        return response

    @staticmethod
    def _log(request, response, started: float) -> None:
        user = getattr(request, "user", None)
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
