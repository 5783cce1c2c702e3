"""The peer: the Django Channels tutorial's chat, as its docs write it (the default RedisChannelLayer)."""

import os

SECRET_KEY = "bench-peer-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "bench.peer.asgi.application"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # As in the tutorial, except the read timeout: redis-py 8's 5 s default breaks BZPOPMIN.
        "CONFIG": {"hosts": [{"address": os.environ["PEER_REDIS_URL"], "socket_timeout": None}], "prefix": "peer"},
    }
}
