"""Every WebSocket route of the Hub; each app contributes its own ``websocket_urlpatterns``."""

from hub.routing import websocket_urlpatterns as hub_patterns

websocket_urlpatterns = [*hub_patterns]
