"""Pages: the one-click unsubscribe link that every notification email carries."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.models import NotificationPreference
from notifications.selectors import user_by_unsubscribe_token
from notifications.services import language_of, notification_email_preference_set


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
