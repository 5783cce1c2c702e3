"""One error type for domain errors, mapped once to HTTP here and once to WebSocket ``error`` frames."""

import logging
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Every ``code`` the Hub answers with, REST and sockets alike (the contract: PROTOCOL.md)."""

    INVALID = "invalid"
    INVALID_FRAME = "invalid_frame"
    INVALID_CREDENTIALS = "invalid_credentials"
    DUPLICATE = "duplicate"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    NOT_MEMBER = "not_member"
    FORBIDDEN = "forbidden"
    LOCKED = "locked"
    CLOSED = "closed"
    MUTED = "muted"
    SLOW_MODE = "slow_mode"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"  # DRF's code for its throttles; the login lockout answers the same
    EVENT_FULL = "event_full"  # an RSVP yes to an event whose seats are all taken
    DATABASE_UNAVAILABLE = "database_unavailable"  # PostgreSQL cannot be reached (or the pool is exhausted)


# The HTTP status of each code, unless a HubError says otherwise.
STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.INVALID: 400,
    ErrorCode.INVALID_FRAME: 400,
    ErrorCode.INVALID_CREDENTIALS: 400,
    ErrorCode.DUPLICATE: 400,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.NOT_MEMBER: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.LOCKED: 403,
    ErrorCode.CLOSED: 403,
    ErrorCode.MUTED: 403,
    ErrorCode.SLOW_MODE: 429,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.THROTTLED: 429,
    ErrorCode.EVENT_FULL: 409,
    ErrorCode.DATABASE_UNAVAILABLE: 503,
}


class ErrorFrame(TypedDict):
    type: str  # "error"
    code: str
    detail: str
    client_id: NotRequired[str]
    retry_after: NotRequired[int]


class HubError(Exception):
    """A refusal the caller can act on: ``code`` is stable and machine-readable, ``detail`` is for people."""

    def __init__(
        self, code: ErrorCode, detail: str, *, status: int | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail)
        self.code = ErrorCode(code)
        self.detail = detail
        self.status = status if status is not None else STATUS_OF[self.code]
        self.retry_after = retry_after

    def as_frame(self, *, client_id: str | None = None) -> ErrorFrame:
        frame: ErrorFrame = {"type": "error", "code": self.code.value, "detail": self.detail}
        if client_id is not None:
            frame["client_id"] = client_id
        if self.retry_after is not None:
            frame["retry_after"] = self.retry_after
        return frame


# What Django raises when the database cannot serve a call: the server is unreachable or went away
# mid-call, the connection is closed, no pooled connection came in time (psycopg_pool's PoolTimeout
# is an OperationalError). Every one of them may succeed if tried again.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable() -> HubError:
    """The refusal of a request or frame that needed the database while it was away. Whatever it
    would have written was not, or was committed whole: a resend with the same ``client_id`` finds it."""
    return HubError(
        ErrorCode.DATABASE_UNAVAILABLE,
        _("The database is unavailable right now. Try again in a few seconds."),
        retry_after=DATABASE_RETRY_AFTER_SECONDS,
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ``HubError`` and a ``code`` beside every ``detail``.

    Validation errors keep DRF's per-field shape (``{"field": ["message"]}``). A database that
    cannot be reached is a 503 ``database_unavailable`` with ``Retry-After``, not a 500.
    """
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        logger.warning("REST: the database is unavailable: %s", exc)
        exc = database_unavailable()
    if isinstance(exc, HubError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return Response({"detail": exc.detail, "code": exc.code.value}, status=exc.status, headers=headers)
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
