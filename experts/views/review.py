"""Peer review pages: the reviewer's dashboard (and staff's queue), the review, assignment and
roster forms, and "Apply to join the Peer Review Roster"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.callers import AuthenticatedHttpRequest
from experts.forms import AssignForm, ReviewerApplicationForm, ReviewForm, validated_with
from experts.selectors.pages import review_queue, taxonomy_labels
from experts.selectors.review import (
    is_on_roster,
    pending_application_exists,
    review_assignments_of,
    reviewer_applications_visible_to,
)
from experts.serializers.resources import AssignSerializer, ReviewerApplicationSerializer, ReviewSerializer
from experts.services.review import review_assign, review_submit
from experts.services.roster import reviewer_application_approve, reviewer_application_reject, reviewer_apply
from hub.errors import HubError


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Back where the form was (a resource's page or the dashboard)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("experts:review")


def _form_errors(form: ReviewForm | AssignForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@login_required
@require_GET
def review_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "assignments": list(review_assignments_of(user)),
        "review_form": ReviewForm(),
        "on_roster": is_on_roster(user),
        "application_pending": pending_application_exists(user),
        "queue": list(review_queue()) if user.is_staff else [],
        "applications": list(reviewer_applications_visible_to(user, status="pending")) if user.is_staff else [],
        "assign_form": AssignForm(),
        "labels": taxonomy_labels(),
    }
    return render(request, "experts/review_dashboard.html", context)


@login_required
@require_POST
def review_submit_page(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request)
    data = validated_with(form, ReviewSerializer, form.cleaned_data)
    if data is None:
        messages.error(request, _form_errors(form))
        return _back(request)
    try:
        outcome = review_submit(reviewer=request.user, resource_id=resource_id, **data)
    except HubError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, _("Thank you: your review of “%(title)s” is recorded.") % {"title": outcome.resource.title}
        )
    return _back(request)


@login_required
@require_POST
def review_assign_page(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request)
    data = validated_with(form, AssignSerializer, {"usernames": form.username_list()})
    if data is None:
        messages.error(request, _form_errors(form))
        return _back(request)
    try:
        outcome = review_assign(staff=request.user, resource_id=resource_id, usernames=data["usernames"])
    except HubError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Reviewers of “%(title)s”: %(names)s.")
                         % {"title": outcome.resource.title, "names": ", ".join(outcome.reviewers)})  # fmt: skip
    return _back(request)


@login_required
@require_POST
def application_decide_page(request: AuthenticatedHttpRequest, application_id: int, decision: str) -> HttpResponse:
    decide = reviewer_application_approve if decision == "approve" else reviewer_application_reject
    try:
        application = decide(staff=request.user, application_id=application_id)
    except HubError as error:
        messages.error(request, error.detail)
    else:
        name = application.user.username
        if decision == "approve":
            messages.success(request, _("%(name)s joined the Peer Review Roster.") % {"name": name})
        else:
            messages.info(request, _("The application of %(name)s was turned down.") % {"name": name})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def review_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReviewerApplicationForm(request.POST or None, labels=taxonomy_labels())
    if request.method == "POST" and form.is_valid():
        data = validated_with(form, ReviewerApplicationSerializer, form.cleaned_data)
        if data is not None:
            try:
                reviewer_apply(user=request.user, **data)
            except HubError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("Thank you for applying. Staff will tell you of their decision."))
                return redirect("experts:review")
    context = {"form": form, "on_roster": is_on_roster(request.user),
               "application_pending": pending_application_exists(request.user)}  # fmt: skip
    return render(request, "experts/review_apply.html", context, status=400 if form.errors else 200)
