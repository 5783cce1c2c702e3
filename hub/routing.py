from typing import TYPE_CHECKING, TypeAlias, cast

from django.urls import path

from hub.consumers import HealthConsumer

if TYPE_CHECKING:
    from channels.consumer import _ASGIApplicationProtocol
    from channels.routing import URLRouter, _ExtendedURLPattern

    SocketRoute: TypeAlias = _ExtendedURLPattern | URLRouter


def socket_path(route: str, application: "_ASGIApplicationProtocol") -> "SocketRoute":
    """``path()`` for a consumer's ``as_asgi()``, typed as Channels' ``URLRouter`` takes it.

    django-stubs types ``path()`` for HTTP views only; Channels' stubs call the same pattern,
    holding an ASGI application, an ``_ExtendedURLPattern``.
    """
    return cast("SocketRoute", path(route, application))  # type: ignore[arg-type]


websocket_urlpatterns = [socket_path("ws/health/", HealthConsumer.as_asgi())]
