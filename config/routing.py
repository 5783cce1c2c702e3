"""Every WebSocket route of the Hub; each app contributes its own ``websocket_urlpatterns``."""

from discussions.routing import websocket_urlpatterns as discussion_patterns
from hub.routing import websocket_urlpatterns as hub_patterns

websocket_urlpatterns = [*hub_patterns, *discussion_patterns]
