"""Who a WebSocket is, decided once at the handshake: ``Authorization: Token <key>``, else the
session cookie (browsers).

Channels' ``AuthMiddlewareStack`` would do the session part, but its session wrapper stays in
the path of every frame the socket sends, for the sake of saving sessions that sockets never
change; resolving the user once and passing ``send`` through untouched keeps the per-frame path
short. A bad token or session leaves the socket anonymous, and each consumer refuses anonymous
sockets its own way.
"""

from channels.auth import get_user
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http.cookie import parse_cookie
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from hub.db import database_sync_to_async


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin1")
    return None


def token_from_headers(headers: list[tuple[bytes, bytes]]) -> str | None:
    value = header(headers, b"authorization")
    if value is None:
        return None
    scheme, _, key = value.partition(" ")
    return key.strip() if scheme.lower() == "token" and key.strip() else None


@database_sync_to_async
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


async def user_for_session(cookie_header: str | None):
    session_key = parse_cookie(cookie_header or "").get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return AnonymousUser()
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    return await get_user({"session": store})


class SocketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        headers = scope.get("headers", [])
        key = token_from_headers(headers)
        user = await user_for_token(key) if key is not None else await user_for_session(header(headers, b"cookie"))
        return await super().__call__(dict(scope, user=user), receive, send)
