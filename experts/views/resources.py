"""The resource library: the faceted list with a tab per kind, a resource's page, the submission form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.callers import AuthenticatedHttpRequest
from experts.forms import ResourceSearchForm, ResourceSubmitForm, ReviewForm, validated_with
from experts.models import Resource
from experts.search import search_resources
from experts.selectors.pages import library_visible_to, taxonomy_labels
from experts.selectors.resources import resource_visible
from experts.selectors.review import reviewer_standing
from experts.serializers.resources import ResourceSubmitSerializer
from experts.services.resources import resource_submit
from experts.views.search import PAGE_SIZE, is_partial, search_context
from hub.errors import HubError


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    labels = taxonomy_labels(document_types=True)
    form = ResourceSearchForm(request.GET, labels=labels)
    query, number = form.query()
    page = search_resources(
        query, visible=library_visible_to(request.user), offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    context = search_context(request, form=form, page=page, number=number, labels=labels)
    kind_counts = page.facets.get("kind")
    chosen_kind = query.kinds[0] if query.kinds else ""
    context.update(
        results_template="experts/_resource_results.html",
        count_template="experts/_resource_count.html",
        kind_tabs=[
            {"value": "", "label": _("All"), "count": sum(kind_counts.values()) if kind_counts is not None else None,
             "checked": not chosen_kind},
            *[{"value": value, "label": label, "checked": value == chosen_kind,
               "count": kind_counts.get(value, 0) if kind_counts is not None else None}
              for value, label in Resource.Kind.choices],
        ],
    )  # fmt: skip
    if is_partial(request):
        return render(request, "experts/_search_live.html", context)
    return render(request, "experts/resource_list.html", context)


@require_GET
def resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    try:
        resource = resource_visible(user=request.user, resource_id=resource_id)
    except HubError as error:
        raise Http404(error.detail) from None
    may_review = False
    if request.user.is_authenticated and resource.status == Resource.Status.IN_REVIEW:
        standing = reviewer_standing(resource=resource, user=request.user)
        may_review = standing.assigned and not standing.reviewed
    context = {
        "resource": resource,
        "labels": taxonomy_labels(document_types=True),
        "review_form": ReviewForm() if may_review else None,
    }
    return render(request, "experts/resource_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resource_submit_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ResourceSubmitForm(request.POST or None, labels=taxonomy_labels(document_types=True))
    if request.method == "POST" and form.is_valid():
        data = validated_with(form, ResourceSubmitSerializer, form.api_data())
        if data is not None:
            try:
                resource = resource_submit(submitter=request.user, **data)
            except HubError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(
                    request, _("Thank you. Your resource is submitted: it is published once peer reviewers approve it.")
                )
                return redirect("experts:resource", resource_id=resource.pk)
    return render(request, "experts/resource_submit.html", {"form": form}, status=400 if form.errors else 200)
