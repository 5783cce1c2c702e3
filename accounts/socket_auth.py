"""Who a WebSocket is, decided once at the handshake: ``Authorization: Token <key>``, else the
session cookie (browsers).

Channels' ``AuthMiddlewareStack`` would do the session part, but its session wrapper stays in
the path of every frame the socket sends, for the sake of saving sessions that sockets never
change; resolving the user once and passing ``send`` through untouched keeps the per-frame path
short. A bad token or session leaves the socket anonymous, and each consumer refuses anonymous
sockets its own way.
"""

import hashlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, cast

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.auth import get_user
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http.cookie import parse_cookie
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.session_credentials import session_credential
from hub.db import database_sync_to_async
from hub.errors import HubError
from realtime.admission import admitting
from realtime.fanout import HANDSHAKE_BATCH_MAX, handshake_release_max
from realtime.write_batches import StreamWriteBatcher, write_batcher

if TYPE_CHECKING:
    from channels.consumer import _ChannelScope
    from channels.utils import _ChannelApplication


def header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin1")
    return None


def token_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    value = header(headers, b"authorization")
    if value is None:
        return None
    scheme, _, key = value.partition(" ")
    return key.strip() if scheme.lower() == "token" and key.strip() else None


def token_credential(user_id: int, key: str) -> str:
    """What a token-authenticated socket carries so that revoking the token closes it: the user
    id and a digest of the token (it travels through Redis; the token itself never does)."""
    return f"token:{user_id}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def users_for_tokens(keys: list[str]) -> list[User | AnonymousUser]:
    """The active user of each token key (anonymous for an unknown key), in one query."""
    tokens = Token.objects.select_related("user").filter(key__in=set(keys))
    users: dict[str, User] = {token.key: token.user for token in tokens}  # drf-stubs leave Token.user untyped
    return [user if (user := users.get(key)) is not None and user.is_active else AnonymousUser() for key in keys]


_users_for_tokens = database_sync_to_async(users_for_tokens)


async def _read_tokens(keys: list[str]) -> list[User | AnonymousUser | HubError]:
    return list(await _users_for_tokens(keys))


async def user_for_token(key: str) -> User | AnonymousUser:
    """The token's user. The lookups of sockets that arrive while one batch is being read go
    together in the next query (``realtime.write_batches``): a crowd connecting at once shares them."""
    batcher: StreamWriteBatcher[str, User | AnonymousUser] = write_batcher(
        TOKEN_BATCHER, _read_tokens, batch_max=TOKEN_BATCH_MAX, release_max=handshake_release_max()
    )
    return await batcher.submit(key)


TOKEN_BATCHER = "accounts.socket_tokens"  # noqa: S105 (a batcher's name)
TOKEN_BATCH_MAX = HANDSHAKE_BATCH_MAX


async def user_for_session(cookie_header: str | None) -> AbstractBaseUser | AnonymousUser:
    session_key = parse_cookie(cookie_header or "").get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return AnonymousUser()
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    # Channels' get_user reads the scope's "session" alone; its stubs ask for a whole scope.
    return await get_user({"session": store})  # type: ignore[typeddict-item]


class SocketAuthMiddleware(BaseMiddleware):
    async def __call__(
        self, scope: "_ChannelScope", receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> "_ChannelApplication":
        admitting()  # a crowd's full garbage collections wait until it is in (realtime.admission)
        headers = scope.get("headers", [])
        key = token_from_headers(headers)
        credential = None
        user: AbstractBaseUser | AnonymousUser
        if key is not None:
            user = await user_for_token(key)
            if user.is_authenticated:
                credential = token_credential(user.pk, key)
        else:
            user = await user_for_session(header(headers, b"cookie"))
            if isinstance(user, User):  # a password change closes it (accounts.session_credentials)
                credential = session_credential(user)
        # The scope's "user" is the user itself rather than Channels' lazy wrapper that its stubs
        # name (the same interface), and "credential" is the Hub's own key.
        authenticated = cast("_ChannelScope", dict(scope, user=user, credential=credential))
        # Already a copy: BaseMiddleware.__call__ would copy it again, and every copy lives as long
        # as the socket.
        inner = cast("Callable[..., Awaitable[_ChannelApplication]]", self.inner)  # an ASGI 3 application
        return await inner(authenticated, receive, send)
