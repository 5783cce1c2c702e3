"""Health of the services the Hub depends on, for ``/healthz`` and operators."""

import logging

import redis
from django.conf import settings
from django.db import connection

from config.redis_urls import redis_client

logger = logging.getLogger(__name__)

OK = "ok"
EMBEDDED = "embedded"
UNAVAILABLE = "unavailable"
_TIMEOUT_SECONDS = 2


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: database unavailable")
        return UNAVAILABLE
    return OK


def _check_redis(url: str, part: str) -> str:
    # A redis:// URL, or a Sentinel location: then the master the sentinels name now.
    client = redis_client(url, socket_connect_timeout=_TIMEOUT_SECONDS, socket_timeout=_TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError:
        logger.exception("health: %s unavailable", part)
        return UNAVAILABLE
    finally:
        client.close()
    return OK


def _redis_url_of(value: object) -> str:
    # channels_redis takes a URL string or a dict with an "address" key.
    return value["address"] if isinstance(value, dict) else str(value)


def check_channel_layer() -> str:
    layer = settings.CHANNEL_LAYERS["default"]
    if layer["BACKEND"] == "channels.layers.InMemoryChannelLayer":
        return EMBEDDED
    if getattr(settings, "REDIS_SENTINEL", None) is not None:  # the layer's hosts are the sentinels'
        return _check_redis(settings.REDIS_URL, "channel layer")
    statuses = [_check_redis(_redis_url_of(host), "channel layer") for host in layer["CONFIG"]["hosts"]]
    return OK if all(status == OK for status in statuses) else UNAVAILABLE


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return EMBEDDED
    if url.startswith(("redis://", "rediss://", "unix://")):
        return _check_redis(url, "broker")
    from kombu import Connection

    try:
        # sentinel:// needs its transport options (master_name).
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        with Connection(url, connect_timeout=_TIMEOUT_SECONDS, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:
        logger.exception("health: broker unavailable")
        return UNAVAILABLE
    return OK


def health_report() -> tuple[bool, dict[str, str]]:
    """``(healthy, report)``; a part that is down is named in the report as ``"unavailable"``."""
    parts = {"database": check_database(), "channel_layer": check_channel_layer(), "broker": check_broker()}
    healthy = UNAVAILABLE not in parts.values()
    return healthy, {"status": "ok" if healthy else "error", **parts}
