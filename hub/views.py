from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gcm.selectors import objectives_in_order
from hub.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/home.html", {"objectives": objectives_in_order()})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
