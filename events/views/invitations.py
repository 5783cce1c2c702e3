"""The pages behind an invitation email's links: answer (yes, no, maybe) and stop the emails.

Neither needs a login: the signed token in the URL names the invitation and the invited address
(``events.invitation_links``). The answer page is a normal form with Django's CSRF token (the
cookie works without a session); the stop link is RFC 8058's one-click POST, which carries no
cookie, so the signed token alone authorizes it (it can only decline this one invitation).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.forms import RsvpForm
from events.invitation_links import LinkPurpose
from events.invitees import invitation_by_token
from events.models import Invitation, RsvpResponse
from events.pages import viewer_zone
from events.services.invitations import invitation_respond, invitation_stop_emails
from events.services.waitlist import event_open_for_answers
from hub.errors import ErrorCode, HubError
from notifications.services import language_of


def _language(invitation: Invitation) -> str:
    """The invitee's language when they have an account and chose one, else the page's."""
    user = invitation.user
    return language_of(user) if user is not None and user.language else translation.get_language()


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "events/invitation_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def invitation_rsvp(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token, LinkPurpose.RSVP)
    if invitation is None or invitation.event.published_at is None:
        return _invalid(request)
    status, error, notice, offer_waitlist = 200, "", "", False
    if request.method == "POST":
        form = RsvpForm(request.POST)
        if form.is_valid():
            try:
                answer = invitation_respond(
                    invitation_id=invitation.pk, email=invitation.email,
                    response=RsvpResponse(form.cleaned_data["response"]), waitlist=form.cleaned_data["waitlist"],
                )  # fmt: skip
            except HubError as refusal:
                status, error = refusal.status, refusal.detail
                # An account may wait for a seat; an address without one cannot (the list is of accounts).
                offer_waitlist = refusal.code == ErrorCode.EVENT_FULL and invitation.user is not None
            else:
                invitation = answer.invitation
                if answer.waitlisted:
                    notice = _("The event is full: you are on the waiting list. If a seat frees up, it is offered "
                              "to you.")  # fmt: skip
        else:
            status, error = 400, _("Choose yes, no or maybe.")
    event = invitation.event
    context = {
        "invitation": invitation,
        "event": event,
        "viewer_zone": viewer_zone(request),
        "open_for_answers": event_open_for_answers(event, timezone.now()),
        "responses": RsvpResponse.choices,
        "error": error,
        "notice": notice,
        "offer_waitlist": offer_waitlist,
        "answered": request.method == "POST" and status == 200,
    }
    with translation.override(_language(invitation)):
        return render(request, "events/invitation_rsvp.html", context, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def invitation_stop_emails_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page with a button (link scanners must not decline anything); POST: stop."""
    invitation = invitation_by_token(token, LinkPurpose.STOP_EMAILS)
    if invitation is None:
        return _invalid(request)
    done = False
    if request.method == "POST":
        try:
            invitation = invitation_stop_emails(invitation_id=invitation.pk, email=invitation.email)
        except HubError:
            return _invalid(request)
        done = True
    with translation.override(_language(invitation)):
        return render(request, "events/invitation_stop.html", {"invitation": invitation, "done": done})
