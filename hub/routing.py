from django.urls import path

from hub.consumers import HealthConsumer

websocket_urlpatterns = [path("ws/health/", HealthConsumer.as_asgi())]
