from discussions.consumers import SpaceConsumer
from hub.routing import socket_path

websocket_urlpatterns = [socket_path("ws/spaces/<slug:slug>/", SpaceConsumer.as_asgi())]
