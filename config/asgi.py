"""The ASGI application: Django for HTTP, Channels for WebSockets, one process serving both."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models (the socket routes and auth do).
django_http_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.language import SocketLanguageMiddleware  # noqa: E402
from accounts.socket_auth import SocketAuthMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from hub.origin import AllowedOriginValidator  # noqa: E402
from hub.unavailable import SocketDatabaseGuard  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_http_application,
        "websocket": AllowedOriginValidator(
            SocketDatabaseGuard(SocketAuthMiddleware(SocketLanguageMiddleware(URLRouter(websocket_urlpatterns))))
        ),
    }
)
