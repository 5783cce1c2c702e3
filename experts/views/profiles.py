"""An expert's profile page with its contact form, and the profile form (create, edit)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.callers import AuthenticatedHttpRequest
from experts.forms import ContactForm, ExpertProfileForm, validated_with
from experts.models import Expert
from experts.questions.selectors import questions_answered_count, recent_asks_of
from experts.selectors.experts import expert_by_id, expert_editable_by
from experts.selectors.pages import Labels, expert_of_user, taxonomy_labels
from experts.serializers.experts import ExpertChangeSerializer, ExpertContactSerializer, ExpertCreateSerializer
from experts.services.contact import expert_contact
from experts.services.profiles import expert_create, expert_update
from hub.errors import HubError


def _expert_or_404(expert_id: int) -> Expert:
    try:
        return expert_by_id(expert_id)
    except HubError as error:
        raise Http404(error.detail) from None


def _profile_page(request: HttpRequest, expert: Expert, *, labels: Labels, contact_form: ContactForm | None = None,
                  status: int = 200) -> HttpResponse:  # fmt: skip
    user = request.user
    own_profile = user.is_authenticated and expert.user_id == user.pk
    context = {
        "expert": expert,
        "labels": labels,
        "can_edit": expert_editable_by(expert, user),
        "own_profile": own_profile,
        "asks": recent_asks_of(expert.pk) if own_profile else [],
        "contact_form": contact_form or ContactForm(),
        "availability": dict(Expert.Availability.choices),
        "questions_answered": questions_answered_count(expert.pk),
    }
    return render(request, "experts/profile.html", context, status=status)


@require_GET
def expert_profile(request: HttpRequest, expert_id: int) -> HttpResponse:
    return _profile_page(request, _expert_or_404(expert_id), labels=taxonomy_labels())


@login_required
@require_POST
def expert_contact_page(request: AuthenticatedHttpRequest, expert_id: int) -> HttpResponse:
    expert = _expert_or_404(expert_id)
    form = ContactForm(request.POST)
    status = 400
    if form.is_valid() and (data := validated_with(form, ExpertContactSerializer, form.cleaned_data)) is not None:
        try:
            expert_contact(expert_id=expert.pk, sender=request.user, subject=data["subject"], message=data["message"])
        except HubError as error:
            form.add_error(None, error.detail)
            status = error.status
        else:
            messages.success(request, _("Your message was sent. The expert will answer by email if they wish."))
            return redirect("experts:profile", expert_id=expert.pk)
    return _profile_page(request, expert, labels=taxonomy_labels(), contact_form=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = expert_of_user(request.user)
    if own is not None:
        messages.info(request, _("You have an expert profile already; you can change it here."))
        return redirect("experts:edit", expert_id=own.pk)
    labels = taxonomy_labels()
    form = ExpertProfileForm(request.POST or None, labels=labels)
    if request.method == "POST" and form.is_valid():
        data = validated_with(form, ExpertCreateSerializer, form.api_data())
        if data is not None:
            try:
                expert = expert_create(creator=request.user, **data)
            except HubError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("Your expert profile is published."))
                return redirect("experts:profile", expert_id=expert.pk)
    return _form_page(request, form, expert=None)


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request: AuthenticatedHttpRequest, expert_id: int) -> HttpResponse:
    expert = _expert_or_404(expert_id)
    if not expert_editable_by(expert, request.user):
        messages.error(request, _("Only the expert and staff change this profile."))
        return redirect("experts:profile", expert_id=expert.pk)
    labels = taxonomy_labels()
    if request.method == "POST":
        form = ExpertProfileForm(request.POST, labels=labels)
        if form.is_valid():
            changes = validated_with(form, ExpertChangeSerializer, form.api_data())
            if changes is not None:
                try:
                    expert_update(expert_id=expert.pk, user=request.user, changes=changes)
                except HubError as error:
                    form.add_error(None, error.detail)
                else:
                    messages.success(request, _("The profile is saved."))
                    return redirect("experts:profile", expert_id=expert.pk)
    else:
        form = ExpertProfileForm(initial=ExpertProfileForm.initial_from(expert), labels=labels)
    return _form_page(request, form, expert=expert)


def _form_page(request: HttpRequest, form: ExpertProfileForm, *, expert: Expert | None) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "expert": expert}
    return render(request, "experts/profile_form.html", context, status=400 if form.errors else 200)
