"""The personal calendar feed (``/calendar/<token>.ics``, no login) and the "My calendar" page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.callers import AuthenticatedHttpRequest
from events.calendar import feed_ics
from events.feeds import calendar_feed_by_token, calendar_feed_of, calendar_feed_reset, calendar_feed_url, feed_events
from events.pages import my_calendar_events, viewer_zone
from notifications.services import language_of


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404(_("No such calendar feed."))
    user = feed.user
    with translation.override(language_of(user)):
        name = _("%(name)s on the Migration Network Hub") % {"name": user.shown_name}
        body = feed_ics(feed_events(user), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hub-calendar.ics"'
    # The URL is a credential: shared caches must not keep (or serve) it.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def my_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = calendar_feed_of(user=request.user)
    context = {
        "feed_url": calendar_feed_url(feed),
        "events": list(my_calendar_events(request.user)),
        "viewer_zone": viewer_zone(request),
    }
    return render(request, "events/my_calendar.html", context)


@login_required
@require_POST
def my_calendar_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar_feed_reset(user=request.user)
    messages.success(request, _("Your calendar has a new address: calendar apps subscribed to the old one no longer "
                                "receive your events. Subscribe again with the new one."))  # fmt: skip
    return redirect("events:my-calendar")
