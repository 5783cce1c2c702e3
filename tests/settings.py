"""Test settings: production settings (DEBUG off) with a test key and plain-HTTP test clients.

DATABASE_URL and REDIS_URL come from ``scripts/test.sh`` (PostgreSQL + Redis), or are absent
(embedded mode, where service-only tests skip themselves).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "k3y" * 20)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CHANNEL_LAYER_PREFIX", "hub-test")

from config.settings import *  # noqa: F403

# The request-per-test volume of the suite would trip the registration throttle.
REGISTER_THROTTLE_RATE = "10000/hour"
# Production serves hashed names from collectstatic's manifest; the suite does not collect.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
