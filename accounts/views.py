from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.callers import AuthenticatedHttpRequest
from accounts.erasure import user_erase
from accounts.forms import AccountDeleteForm, RegistrationForm, ThrottledAuthenticationForm
from hub.errors import HubError


class HubLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if isinstance(form, ThrottledAuthenticationForm) and form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except HubError:
            pass  # a parallel registration took the name; the form now carries the error
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def account_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your data: download everything the Hub holds about you, or delete the account."""
    return render(request, "accounts/data.html", {"delete_form": AccountDeleteForm(user=request.user)})


@login_required
@sensitive_post_parameters("password")
@require_http_methods(["POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        status = 429 if form.throttled is not None else 400
        response = render(request, "accounts/data.html", {"delete_form": form}, status=status)
        if form.throttled is not None and form.throttled.retry_after is not None:
            response["Retry-After"] = str(form.throttled.retry_after)
        return response
    user_erase(user_id=request.user.pk)
    logout(request)
    return render(request, "accounts/deleted.html")
