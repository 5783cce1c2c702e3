from django.urls import path

from discussions.consumers import SpaceConsumer

websocket_urlpatterns = [path("ws/spaces/<slug:slug>/", SpaceConsumer.as_asgi())]
