"""Which of the six UN languages the Hub speaks to whom (PROTOCOL.md, "Languages").

One rule for pages, API ``detail`` texts and socket ``error`` frames: the user's own ``language``
(``User.language``, set with ``PATCH /api/v1/me/`` or the page's language switcher), else the
switcher's cookie, else ``Accept-Language``, else English. Page URLs never carry the language.
Emails and notifications are rendered in their *recipient's* language instead
(``notifications.services.language_of``), whoever caused them.

Where each request meets the rule:

- pages and session-authenticated API calls: ``HubLocaleMiddleware`` (in place of Django's
  ``LocaleMiddleware``, after ``AuthenticationMiddleware`` so that it sees the session's user);
- API calls authenticated by token: DRF authenticates inside the view, after every middleware, so
  the Hub's ``TokenAuthentication`` activates the token user's language as it authenticates them
  (``perform_authentication`` runs before permissions, throttles and the handler, so every
  ``detail`` of the request is in that language);
- sockets: ``SocketLanguageMiddleware`` around the consumers, after ``SocketAuthMiddleware``, for
  the whole life of the socket (the handshake's cookie and ``Accept-Language`` are the fallbacks).

The API names Chinese ``zh``; Django names the catalog ``zh-hans``. ``Accept-Language: zh``,
``zh-CN``, ``zh-Hans`` (any ``zh-*``) all select it.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.cookie import parse_cookie
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from rest_framework import authentication
from rest_framework.request import Request

if TYPE_CHECKING:
    from channels.consumer import _ChannelScope
    from channels.utils import _ChannelApplication

# The API's language codes (ISO 639-1, ``User.Language``) that Django spells differently.
_DJANGO_CODE = {"zh": "zh-hans"}
_API_CODE = {django: api for api, django in _DJANGO_CODE.items()}


def django_language(api_code: str) -> str:
    """``zh`` → ``zh-hans``; the other five are the same in both. Precondition: one of ``User.Language``."""
    return _DJANGO_CODE.get(api_code, api_code)


def api_language(django_code: str) -> str:
    """The API's code of a Django language code: ``zh-hans`` → ``zh``, ``fr`` → ``fr``."""
    code = django_code.lower()
    return _API_CODE.get(code, code.split("-")[0])


def supported_language(code: str | None) -> str | None:
    """The Hub's Django language code for ``code`` (any case, any region: ``zh-CN`` → ``zh-hans``,
    ``fr-CA`` → ``fr``), or None when the Hub does not speak it."""
    if not code or len(code) > trans_real.LANGUAGE_CODE_MAX_LENGTH:
        return None
    try:
        return trans_real.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def user_language(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The Django code of the language ``user`` chose, or None (anonymous, or not chosen)."""
    if user is None or not user.is_authenticated:
        return None
    chosen = getattr(user, "language", "")  # accounts.User's; read without importing models (DRF loads this early)
    return django_language(chosen) if chosen else None


def language_from_headers(*, cookie_language: str | None, accept_language: str | None) -> str:
    """The switcher's cookie, else the best of ``Accept-Language``, else ``LANGUAGE_CODE`` (English)."""
    chosen = supported_language(cookie_language)
    if chosen is not None:
        return chosen
    for code, _quality in trans_real.parse_accept_lang_header(accept_language or ""):
        if code == "*":
            break
        chosen = supported_language(code)
        if chosen is not None:
            return chosen
    return settings.LANGUAGE_CODE


def language_for_request(request: HttpRequest, user: AbstractBaseUser | AnonymousUser | None = None) -> str:
    """The rule for one HTTP request; ``user`` defaults to the session's (``request.user``)."""
    chosen = user_language(user if user is not None else getattr(request, "user", None))
    if chosen is not None:
        return chosen
    return language_from_headers(
        cookie_language=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        accept_language=request.headers.get("Accept-Language"),
    )


def activate_for_request(request: HttpRequest, user: AbstractBaseUser | AnonymousUser | None = None) -> str:
    language = language_for_request(request, user)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    return language


class HubLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` with the Hub's rule: the session user's language comes first.

    Goes after ``AuthenticationMiddleware``. Responses say ``Content-Language`` and vary on
    ``Accept-Language`` and ``Cookie`` (the switcher's cookie or the session may have decided).
    """

    def process_request(self, request: HttpRequest) -> None:
        activate_for_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user then decides the request's language.

    DRF authenticates in ``APIView.initial`` (after every middleware, before permissions, throttles
    and the handler), so everything the view answers is in that user's language.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            activate_for_request(request._request, user=result[0])
        return result


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the switcher's cookie), and for a logged-in user their account's
    ``language`` too: theirs comes before the cookie, so a switch that left it alone would not show."""
    response = django_set_language(request)
    chosen = supported_language(request.POST.get("language"))
    user = getattr(request, "user", None)
    if chosen is not None and user is not None and user.is_authenticated:
        # Imported here: DRF imports this module (the authentication class) while the apps load.
        from accounts.services import user_update_profile

        code = api_language(chosen)
        if user.language != code:
            user_update_profile(user=user, language=code)
        translation.activate(chosen)
    return response


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin1")
    return None


def language_for_scope(scope: "_ChannelScope") -> str:
    """The rule for a socket: its user's language, else its handshake's cookie and ``Accept-Language``."""
    chosen = user_language(scope.get("user"))
    if chosen is not None:
        return chosen
    headers = scope.get("headers", [])
    cookies = parse_cookie(_header(headers, b"cookie") or "")
    return language_from_headers(
        cookie_language=cookies.get(settings.LANGUAGE_COOKIE_NAME),
        accept_language=_header(headers, b"accept-language"),
    )


class SocketLanguageMiddleware(BaseMiddleware):
    """Activates the socket's language for its whole life (goes inside ``SocketAuthMiddleware``).

    Django keeps the active language in a context variable, which a socket's task and the database
    calls it makes (``sync_to_async`` copies the context) share: ``error`` frames and anything else
    rendered for the socket are in its language. ``scope["language"]`` names it.
    """

    async def __call__(
        self, scope: "_ChannelScope", receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> "_ChannelApplication":
        language = language_for_scope(scope)
        with translation.override(language):
            return await super().__call__(cast("_ChannelScope", dict(scope, language=language)), receive, send)
