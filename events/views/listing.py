"""The events list: filters, the agenda (by day) and the month view, in the viewer's time zone."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events.forms import EventFilterForm
from events.pages import agenda_page, event_query, month_grid, taxonomy_labels, this_month, viewer_zone
from events.selectors.access import is_organizer


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    labels = taxonomy_labels()
    form = EventFilterForm(request.GET, objectives=labels.objective, regions=labels.region)
    filters = form.filters()
    zone = viewer_zone(request)
    query = event_query(objective=filters.objective, region=filters.region, kind=filters.kind,
                        upcoming=filters.upcoming)  # fmt: skip
    # The filters as query strings, for links that change only the view, the month or the page.
    chosen = [(name, value) for name, value in (("objective", filters.objective), ("region", filters.region),
                                                ("kind", filters.kind)) if value]  # fmt: skip
    agenda_query = urlencode([*chosen, *([("upcoming", "false")] if not filters.upcoming else [])])
    month_query = urlencode([("view", "month"), *chosen])
    context = {
        "form": form,
        "filters": filters,
        "agenda_query": agenda_query,
        "month_query": month_query,
        "labels": labels,
        "viewer_zone": zone,
        "may_organize": is_organizer(request.user),
    }
    if filters.view == "month":
        year, month = filters.month or this_month(zone)
        context["grid"] = month_grid(request.user, query, year=year, month=month, zone=zone)
        return render(request, "events/month.html", context)
    context["agenda"] = agenda_page(request.user, query, zone=zone, number=filters.page)
    return render(request, "events/list.html", context)
