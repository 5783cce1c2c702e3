"""One error type for domain errors, mapped once to HTTP here and once to WebSocket ``error`` frames."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class HubError(Exception):
    """A refusal the caller can act on: ``code`` is stable and machine-readable, ``detail`` is for people."""

    def __init__(self, code: str, detail: str, *, status: int = 400, retry_after: int | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status
        self.retry_after = retry_after

    def as_frame(self, **extra: Any) -> dict[str, Any]:
        frame = {"type": "error", "code": self.code, "detail": self.detail, **extra}
        if self.retry_after is not None:
            frame["retry_after"] = self.retry_after
        return frame


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus ``HubError`` and a ``code`` beside every ``detail``.

    Validation errors keep DRF's per-field shape (``{"field": ["message"]}``).
    """
    if isinstance(exc, HubError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return Response({"detail": exc.detail, "code": exc.code}, status=exc.status, headers=headers)
    # Django's own 404 and 403 become DRF's, so that they carry a ``code`` like every other error.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, exceptions.APIException)
        and not isinstance(exc, exceptions.ValidationError)
        and isinstance(response.data, dict)
        and "detail" in response.data
    ):
        codes = exc.get_codes()
        response.data["code"] = codes if isinstance(codes, str) else exc.default_code
    return response
