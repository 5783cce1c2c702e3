from hub.routing import socket_path
from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [socket_path("ws/notifications/", NotificationConsumer.as_asgi())]
