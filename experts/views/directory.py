"""The expert directory: a faceted search page that works as a plain GET form."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from experts.forms import ExpertSearchForm
from experts.search import search_experts
from experts.selectors.pages import taxonomy_labels
from experts.views.search import PAGE_SIZE, is_partial, search_context


@require_GET
def expert_directory(request: HttpRequest) -> HttpResponse:
    labels = taxonomy_labels()
    form = ExpertSearchForm(request.GET, labels=labels)
    query, number = form.query()
    page = search_experts(query, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    context = {
        **search_context(request, form=form, page=page, number=number, labels=labels),
        "results_template": "experts/_expert_results.html",
        "count_template": "experts/_expert_count.html",
    }
    if is_partial(request):
        return render(request, "experts/_search_live.html", context)
    return render(request, "experts/directory.html", context)
