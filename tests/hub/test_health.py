import pytest

from tests.conftest import SERVICES

pytestmark = pytest.mark.django_db


def redis_layer(url: str) -> dict:
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}}


@pytest.mark.services
def test_healthz_is_ok_when_every_service_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok", "broker": "ok"}


@pytest.mark.skipif(SERVICES, reason="embedded mode only")
def test_healthz_reports_embedded_parts_in_embedded_mode(client):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "embedded",
        "broker": "embedded",
    }


def test_healthz_is_503_naming_redis_parts_when_redis_goes_down(client, settings, redis_server):
    settings.CHANNEL_LAYERS = redis_layer(redis_server["url"])
    settings.CELERY_BROKER_URL = redis_server["url"]
    assert client.get("/healthz").status_code == 200

    redis_server["process"].kill()
    redis_server["process"].wait()

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "channel_layer": "unavailable",
        "broker": "unavailable",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_names_the_database_when_it_is_down(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_needs_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/objectives/").status_code == 301
