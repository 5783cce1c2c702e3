"""Every WebSocket route of the Hub; each app contributes its own ``websocket_urlpatterns``."""

from typing import TYPE_CHECKING

from discussions.routing import websocket_urlpatterns as discussion_patterns
from hub.routing import websocket_urlpatterns as hub_patterns
from notifications.routing import websocket_urlpatterns as notification_patterns

if TYPE_CHECKING:
    from hub.routing import SocketRoute

websocket_urlpatterns: "list[SocketRoute]" = [*hub_patterns, *discussion_patterns, *notification_patterns]
