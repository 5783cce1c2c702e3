"""Organizers' pages: create, edit, publish, invite and cancel. Each calls one service; who may is
decided there (``events.selectors.access``)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.callers import AuthenticatedHttpRequest
from events.forms import EventForm, InviteForm, add_field_errors, validated_with
from events.pages import event_invitations, taxonomy_labels, viewer_zone
from events.selectors.access import event_manageable_by, is_organizer
from events.serializers.events import EventChangeSerializer, EventCreateSerializer
from events.serializers.invitations import InvitationsCreateSerializer
from events.services.events import EventInvalid, event_cancel, event_create, event_publish, event_update
from events.services.invitations import invitations_create
from events.views.event import event_or_404
from hub.errors import ErrorCode, HubError


def _refused(error: HubError) -> None:
    if error.code == ErrorCode.NOT_FOUND:
        raise Http404(error.detail)


def _form_page(request: AuthenticatedHttpRequest, form: EventForm, *, event: Any = None) -> HttpResponse:
    context = {"form": form, "event": event}
    return render(request, "events/form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_organizer(request.user):
        messages.error(request, _("Only event organizers create events. Staff can make you one."))
        return redirect("events:list")
    labels = taxonomy_labels()
    form = EventForm(request.POST or None, objectives=labels.objective, regions=labels.region)
    if request.method == "POST" and form.is_valid():
        data = validated_with(form, EventCreateSerializer, form.api_data())
        if data is not None:
            try:
                event = event_create(organizer=request.user, **data)
            except EventInvalid as invalid:
                add_field_errors(form, invalid.errors)
            except HubError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("The event is saved as a draft: only you and staff see it until "
                                            "you publish it."))  # fmt: skip
                return redirect("events:event", event_id=event.pk)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_or_404(request, event_id)
    if not event_manageable_by(event, request.user):
        messages.error(request, _("Only the event's organizer and staff change this event."))
        return redirect("events:event", event_id=event.pk)
    labels = taxonomy_labels()
    if request.method == "POST":
        form = EventForm(request.POST, objectives=labels.objective, regions=labels.region)
        if form.is_valid():
            changes = validated_with(form, EventChangeSerializer, form.api_data())
            if changes is not None:
                try:
                    event_update(event.pk, by=request.user, changes=changes)
                except EventInvalid as invalid:
                    add_field_errors(form, invalid.errors)
                except HubError as error:
                    _refused(error)
                    form.add_error(None, error.detail)
                else:
                    messages.success(request, _("The event is saved."))
                    return redirect("events:event", event_id=event.pk)
    else:
        form = EventForm(initial=EventForm.initial_from(event), objectives=labels.objective, regions=labels.region)
    return _form_page(request, form, event=event)


@login_required
@require_POST
def event_publish_page(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    try:
        event_publish(event_id, by=request.user)
    except HubError as error:
        _refused(error)
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The event is published: people following its objectives and regions "
                                    "are told."))  # fmt: skip
    return redirect("events:event", event_id=event_id)


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel_page(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_or_404(request, event_id)
    if not event_manageable_by(event, request.user):
        messages.error(request, _("Only the event's organizer and staff change this event."))
        return redirect("events:event", event_id=event.pk)
    if request.method == "POST":
        try:
            event_cancel(event.pk, by=request.user)
        except HubError as error:
            _refused(error)
            messages.error(request, error.detail)
        else:
            messages.success(request, _("The event is cancelled: those who were coming and the invitees are told."))
        return redirect("events:event", event_id=event.pk)
    return render(request, "events/cancel.html", {"event": event, "viewer_zone": viewer_zone(request)})


@login_required
@require_http_methods(["GET", "POST"])
def event_invite(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_or_404(request, event_id)
    if not event_manageable_by(event, request.user):
        messages.error(request, _("Only the event's organizer and staff invite people."))
        return redirect("events:event", event_id=event.pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = validated_with(form, InvitationsCreateSerializer, form.api_data())
        if data is not None:
            try:
                outcome = invitations_create(event_id=event.pk, by=request.user, invitees=data["invitees"])
            except HubError as error:
                _refused(error)
                form.add_error(None, error.detail)
            else:
                new, again = len(outcome.created), len(outcome.invitations) - len(outcome.created)
                text = ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", new) % {"n": new}
                if again:
                    text += " " + ngettext("%(n)d was invited already.", "%(n)d were invited already.",
                                           again) % {"n": again}  # fmt: skip
                messages.success(request, text)
                return redirect("events:invite", event_id=event.pk)
    context = {"event": event, "form": form, "invitations": event_invitations(event)}
    return render(request, "events/invite.html", context, status=400 if form.errors else 200)
