"""Pages: the inbox, the notification settings (preferences and subscriptions), and the one-click
unsubscribe link that every notification email carries. Forms work without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.callers import AuthenticatedHttpRequest
from events.pages import viewer_zone
from hub.errors import HubError
from notifications import payloads, selectors, services
from notifications.forms import PreferencesForm, SubscriptionForm, validated_with
from notifications.models import NotificationPreference
from notifications.selectors import user_by_unsubscribe_token
from notifications.serializers import PreferencesSerializer, SubscriptionSerializer
from notifications.services import language_of, notification_email_preference_set

INBOX_PAGE_SIZE = 25


# RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` with no cookie, so no CSRF token
# can exist; the signed token in the URL is what authorizes the change (and it only turns email off).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page with a button (link scanners must not unsubscribe anyone); POST: email off."""
    user = user_by_unsubscribe_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        notification_email_preference_set(user=user, email=NotificationPreference.Email.OFF)
        done = True
    # The person reading may not be logged in: speak the language they chose, if any.
    with translation.override(language_of(user) if user.language else translation.get_language()):
        return render(request, "notifications/unsubscribe.html", {"done": done})


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "true"
    paginator = Paginator(selectors.notifications_of(user=request.user, unread_only=unread_only), INBOX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread_count": selectors.unread_notification_count(request.user),
    }
    return render(request, "notifications/inbox.html", context)


def _back_to_inbox(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:inbox")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
    except HubError as error:
        messages.error(request, error.detail)
        return _back_to_inbox(request)
    url = notification.url
    if request.POST.get("open") and url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return HttpResponseRedirect(url)  # a path on the Hub: "open" reads it and goes there
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": marked})
    return _back_to_inbox(request)


def _settings_page(
    request: AuthenticatedHttpRequest,
    *,
    preferences_form: PreferencesForm | None = None,
    subscription_form: SubscriptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    choices = selectors.settings_choices(request.user)
    preferences = payloads.preferences_payload(selectors.preference_of(request.user))
    subscription = payloads.subscription_payload(selectors.subscription_of(request.user))
    # A zone still at the default is offered as the browser's (the cookie of static/events/timezone.js;
    # static/notifications/digest_zone.js does the same where that cookie is not set yet).
    zone_default = preferences["timezone"] == "UTC"
    zone_suggested = zone_default and viewer_zone(request) != "UTC"
    if zone_suggested:
        preferences["timezone"] = viewer_zone(request)
    context = {
        "zone_default": zone_default,
        "zone_suggested": zone_suggested,
        "preferences_form": preferences_form or PreferencesForm(initial=dict(preferences), choices=choices),
        "subscription_form": subscription_form or SubscriptionForm(initial=dict(subscription), choices=choices),
    }
    return render(request, "notifications/settings.html", context, status=status)


@login_required
@require_GET
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _settings_page(request)


@login_required
@require_POST
def preferences_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, choices=selectors.settings_choices(request.user))
    data = form.given() if form.is_valid() else None
    if data is not None:
        data = validated_with(form, PreferencesSerializer, data, context={"user": request.user})
    if data is None:
        return _settings_page(request, preferences_form=form, status=400)
    services.notification_preferences_set(user=request.user, **data)
    messages.success(request, _("Your notification preferences were saved."))
    return redirect("notifications:settings")


@login_required
@require_POST
def subscription_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST, choices=selectors.settings_choices(request.user))
    data = form.cleaned_data if form.is_valid() else None
    if data is not None:
        data = validated_with(form, SubscriptionSerializer, data)
    if data is None:
        return _settings_page(request, subscription_form=form, status=400)
    services.subscription_set(user=request.user, **data)
    messages.success(request, _("Your subscriptions were saved."))
    return redirect("notifications:settings")
