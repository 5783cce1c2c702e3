"""Test settings: production settings (DEBUG off) with a test key and plain-HTTP test clients.

DATABASE_URL and REDIS_URL come from ``scripts/test.sh`` (PostgreSQL + Redis), or are absent
(embedded mode, where service-only tests skip themselves). In services mode the run first claims a
Redis database of its own (``tests/isolation.py``): ``REDIS_URL``, the channel-layer prefix and the
PostgreSQL test database name follow it, so two runs at once on one machine never meet.
"""

import atexit
import os
import shutil
import tempfile

from tests.isolation import claim_test_run

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "k3y" * 20)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "HUB_VAR_DIR" not in os.environ:
    # SQLite files and the filesystem broker's folders of this run only, not the checkout's var/.
    os.environ["HUB_VAR_DIR"] = tempfile.mkdtemp(prefix="hub-test-var-")
    atexit.register(shutil.rmtree, os.environ["HUB_VAR_DIR"], ignore_errors=True)

TEST_RUN = claim_test_run()  # None in embedded mode
os.environ.setdefault("CHANNEL_LAYER_PREFIX", TEST_RUN.channel_layer_prefix if TEST_RUN else "hub-test")

from config.settings import *  # noqa: E402, F403

if TEST_RUN is not None and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": TEST_RUN.test_database_name(DATABASES["default"]["NAME"])}  # noqa: F405

# The request-per-test volume of the suite would trip the registration throttle.
REGISTER_THROTTLE_RATE = "10000/hour"
# Production serves hashed names from collectstatic's manifest; the suite does not collect.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
