from collections.abc import Callable
from functools import wraps

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from hub.errors import ErrorCode
from hub.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The introduction, then the sections apps register (``hub.home``)."""
    return render(request, "hub/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


# --- Error pages ------------------------------------------------------------------------------
# 400, 403 and 404 render the templates of the same names with the request, so the header shows
# who is logged in (a database read). Under ASGI, Django renders them on a worker thread of its
# own, not on the request's thread (``convert_exception_to_response`` calls
# ``response_for_exception`` with ``thread_sensitive=False``), and nothing ever closes the
# connection that read opens there: ``request_finished`` closes the request thread's. Left open,
# such a connection idles until the database drops it, and then every error page that thread
# renders fails. So each error page closes the connections it leaves behind, unless it runs
# inside a transaction (the request's own thread under the test client).
# 500 renders ``500.html`` without the request and without the database (Django's own handler),
# and the CSRF failure page renders on the request's thread, inside the middleware.
ErrorView = Callable[[HttpRequest, Exception], HttpResponse]


def _closing_connections(view: ErrorView) -> ErrorView:
    @wraps(view)
    def handler(request: HttpRequest, exception: Exception) -> HttpResponse:
        try:
            return view(request, exception)
        finally:
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()

    return handler


def _json_under_api(view: ErrorView, code: ErrorCode, refusal: type[exceptions.APIException]) -> ErrorView:
    """Under /api/ the contract's ``Error`` body (DRF's message, translated by DRF's catalogs), not
    an HTML page: a path the URL patterns refuse (``/api/v1/events/-1/``) never reaches DRF."""

    @wraps(view)
    def handler(request: HttpRequest, exception: Exception) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(refusal.default_detail), "code": code.value}, status=refusal.status_code)
        return view(request, exception)

    return handler


bad_request = _closing_connections(_json_under_api(defaults.bad_request, ErrorCode.INVALID, exceptions.ParseError))
permission_denied = _closing_connections(
    _json_under_api(defaults.permission_denied, ErrorCode.FORBIDDEN, exceptions.PermissionDenied)
)
page_not_found = _closing_connections(
    _json_under_api(defaults.page_not_found, ErrorCode.NOT_FOUND, exceptions.NotFound)
)
