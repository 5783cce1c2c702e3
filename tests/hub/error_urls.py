"""The Hub's URLs plus pages that fail on purpose, for the error-page tests (in process and served)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404
from config.urls import urlpatterns as hub_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "urlpatterns"]


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a request the Hub refuses to read")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/403/", forbidden),
    path("test-errors/500/", broken),
    *hub_urlpatterns,
]
