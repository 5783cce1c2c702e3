from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gcm import names, selectors
from gcm.counts import objective_counts


@require_GET
def objective_index(request: HttpRequest) -> HttpResponse:
    context = {"objectives": selectors.objectives_in_order(), "principles": selectors.principles_in_order(),
               "regions": names.in_name_order(selectors.regions_by_name())}  # fmt: skip
    return render(request, "gcm/objective_index.html", context)


@require_GET
def objective_page(request: HttpRequest, key: str) -> HttpResponse:
    objective = selectors.objective_for_page(key)
    context = {"objective": objective, "counts": objective_counts(objective),
               "objectives": selectors.objectives_in_order()}  # fmt: skip
    return render(request, "gcm/objective_page.html", context)
