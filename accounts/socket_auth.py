"""Token authentication for WebSocket handshakes (``Authorization: Token <key>``).

Runs inside Channels' ``AuthMiddlewareStack``: a session cookie has already set
``scope["user"]``; a token header, when present, decides instead. A bad token leaves the
socket anonymous, so each consumer refuses it the way it refuses any anonymous socket.
"""

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token


def token_from_headers(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"authorization":
            scheme, _, key = value.decode("latin1").partition(" ")
            if scheme.lower() == "token" and key.strip():
                return key.strip()
    return None


@database_sync_to_async
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        key = token_from_headers(scope.get("headers", []))
        if key is not None:
            scope = dict(scope, user=await user_for_token(key))
        return await super().__call__(scope, receive, send)
