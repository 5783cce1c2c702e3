import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from hub.catalogs import compile_catalogs
from tests.factories import UserFactory

SERVICES = bool(os.environ.get("REDIS_URL")) and "postgresql" in settings.DATABASES["default"]["ENGINE"]
_skipped_for_services: list[str] = []


def pytest_report_header(config) -> list[str]:
    if not SERVICES:
        return ["mode: embedded (SQLite in memory, in-process channel layer, filesystem broker)"]
    db, redis_url = settings.DATABASES["default"], urlsplit(settings.REDIS_URL)
    run = getattr(settings, "TEST_RUN", None)  # tests/settings.py's claim (tests/isolation.py)
    lines = [
        f"mode: services: PostgreSQL test database {db.get('TEST', {}).get('NAME') or 'test_' + db['NAME']} "
        f"at {db['HOST'] or 'the local socket'}:{db['PORT'] or 5432}; Redis db {redis_url.path.strip('/') or 0} "
        f"at {redis_url.hostname}:{redis_url.port or 6379}; key prefix {settings.CHANNEL_LAYER_PREFIX}"
    ]
    if run is not None and run.passed_over:
        lines.append("Redis databases in use elsewhere, passed over: " + "; ".join(run.passed_over))
    return lines


def pytest_sessionstart(session):
    # The .mo files are build output, not committed: every run serves the catalogs as they are now.
    compile_catalogs()


def pytest_collection_modifyitems(config, items):
    if SERVICES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis (embedded mode)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)
            _skipped_for_services.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_services:
        terminalreporter.section(
            f"embedded mode: {len(_skipped_for_services)} tests marked services not run (need PostgreSQL and Redis)"
        )
        for nodeid in _skipped_for_services:
            terminalreporter.write_line(nodeid)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def staff_user(db):
    return UserFactory.create(is_staff=True)


@pytest.fixture(autouse=True)
def _rest_contract(monkeypatch) -> None:
    """Every ``APIClient`` in the suite (these fixtures' and any a test builds) checks each response
    against the OpenAPI document: an undocumented status or a body off its schema fails the test."""
    from tests.rest_contract import check_response

    send = APIClient.request

    def request_checked(self, **request):
        response = send(self, **request)
        check_response(response)
        return response

    monkeypatch.setattr(APIClient, "request", request_checked)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client(user) -> APIClient:
    from accounts.services import token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server() -> Iterator[dict]:
    """A Redis of the test's own on a spare loopback port, which the test may stop or break."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    state = {"url": url, "port": port, "process": process}
    yield state
    process.kill()
    process.wait()


@pytest.fixture
def taxonomy(db):
    """The GCM taxonomy as migrations leave it (a transactional test before may have flushed it)."""
    from django.apps import apps

    from gcm.models import Objective
    from gcm.taxonomy import load_taxonomy

    if not Objective.objects.exists():
        load_taxonomy(apps)
