"""An event's page (details in the viewer's zone and the event's own, RSVP, "Add to calendar") and
the RSVP form it posts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.callers import AuthenticatedHttpRequest
from events.forms import RsvpForm
from events.models import RsvpResponse, WaitlistEntry
from events.pages import google_calendar_url, taxonomy_labels, viewer_zone
from events.payloads.events import seats_left
from events.selectors.access import event_manageable_by
from events.selectors.events import EventWithCounts, event_for_viewer
from events.selectors.rsvp import RsvpStatus, rsvp_status
from events.services.rsvp import rsvp_respond
from events.services.waitlist import event_open_for_answers
from hub.errors import ErrorCode, HubError


def event_or_404(request: HttpRequest, event_id: int) -> "EventWithCounts":
    try:
        return event_for_viewer(event_id, request.user)
    except HubError as error:
        raise Http404(error.detail) from None


def event_page(request: HttpRequest, event_id: int, *, status: int = 200) -> HttpResponse:
    """The page; also the answer to a refused RSVP (``status``), with the refusal in ``messages``."""
    mine: RsvpStatus | None = None
    if request.user.is_authenticated:
        try:
            mine = rsvp_status(event_id=event_id, user=request.user)
        except HubError as error:
            raise Http404(error.detail) from None
        event = mine.event
    else:
        event = event_or_404(request, event_id)
    left = seats_left(event)
    holds_offer = mine is not None and mine.entry is not None and mine.entry.state == WaitlistEntry.State.OFFERED
    has_seat = mine is not None and mine.rsvp is not None and mine.rsvp.response == RsvpResponse.YES
    context = {
        "event": event,
        "labels": taxonomy_labels(),
        "viewer_zone": viewer_zone(request),
        "manageable": event_manageable_by(event, request.user),
        "open_for_answers": event_open_for_answers(event, timezone.now()),
        "seats_left": left,
        # No seat for the viewer: a yes would be refused, or put them on the waiting list.
        "full": left == 0 and not holds_offer and not has_seat,
        "mine": mine,
        "waiting": mine is not None and mine.entry is not None and mine.entry.state == WaitlistEntry.State.WAITING,
        "holds_offer": holds_offer,
        "responses": RsvpResponse.choices,
        "ics_url": reverse("api-event-ics", args=[event.pk]),
        "google_url": google_calendar_url(event),
    }
    return render(request, "events/detail.html", context, status=status)


@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    return event_page(request, event_id)


@login_required
@require_POST
def event_rsvp(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or maybe."))
        return event_page(request, event_id, status=400)
    response = RsvpResponse(form.cleaned_data["response"])
    try:
        outcome = rsvp_respond(event_id=event_id, user=request.user, response=response,
                               waitlist=form.cleaned_data["waitlist"])  # fmt: skip
    except HubError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.detail) from None
        messages.error(request, error.detail)
        return event_page(request, event_id, status=error.status)
    if outcome.waitlisted:
        messages.success(request, _("The event is full: you are on the waiting list. If a seat frees up, it is "
                                    "offered to you."))  # fmt: skip
    elif response == RsvpResponse.YES:
        messages.success(request, _("You are coming: your seat is saved."))
    elif response == RsvpResponse.MAYBE:
        messages.success(request, _("Your answer is saved: maybe."))
    else:
        messages.success(request, _("Your answer is saved: you are not coming."))
    return redirect("events:event", event_id=event_id)
