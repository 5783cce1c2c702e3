"""The page behind the one-click link of every contact relay: stop receiving contacts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from experts.selectors.experts import expert_by_opt_out_token
from experts.services.contact import expert_contact_stop
from notifications.services import language_of


# RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` with no cookie, so no CSRF token
# can exist; the signed token in the URL authorizes the change (and it only turns contact off).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def contact_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page with a button (link scanners must not opt anyone out); POST: contact off."""
    expert = expert_by_opt_out_token(token)
    if expert is None:
        return render(request, "experts/contact_opt_out_invalid.html", status=400)
    done = False
    if request.method == "POST":
        expert_contact_stop(expert_id=expert.pk)
        done = True
    # The reader may not be logged in (or have no account): speak the expert's language if known.
    language = language_of(expert.user) if expert.user is not None and expert.user.language else None
    with translation.override(language or translation.get_language()):
        return render(request, "experts/contact_opt_out.html", {"done": done, "expert": expert})
