"""Smoke test of ``make run`` in embedded mode: SQLite, in-process layer, filesystem broker."""

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
import websockets

from tests.conftest import free_port
from tests.e2e.processes import ROOT, clean_env, spawn, stop, wait_for_http, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def embedded_hub(tmp_path_factory):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    var_dir = tmp_path_factory.mktemp("embedded")
    log = var_dir / "make-run.log"
    port = free_port()
    env = clean_env(HUB_VAR_DIR=str(var_dir), PORT=str(port), LOG_LEVEL="INFO")
    process = spawn(["make", "run"], env, log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log, timeout=120)
        yield {"port": port, "var_dir": var_dir, "env": env, "log": log}
    finally:
        stop(process)


def get_json(url: str) -> tuple[int, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback test server)
        return response.status, json.loads(response.read())


def test_make_run_serves_healthz_in_embedded_mode(embedded_hub):
    status, body = get_json(f"http://127.0.0.1:{embedded_hub['port']}/healthz")
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "channel_layer": "embedded", "broker": "embedded"}


def test_make_run_serves_the_objectives_and_the_objective_nine_page(embedded_hub):
    status, objectives = get_json(f"http://127.0.0.1:{embedded_hub['port']}/api/v1/objectives/")
    assert status == 200
    assert len(objectives) == 24
    with urllib.request.urlopen(f"http://127.0.0.1:{embedded_hub['port']}/objectives/9/", timeout=10) as page:
        assert b"Strengthen the transnational response to smuggling of migrants" in page.read()


def test_make_run_accepts_a_websocket_handshake(embedded_hub):
    async def handshake():
        async with websockets.connect(f"ws://127.0.0.1:{embedded_hub['port']}/ws/health/") as socket:
            hello = json.loads(await socket.recv())
            await socket.send(json.dumps({"type": "ping"}))
            return hello, json.loads(await socket.recv())

    hello, pong = asyncio.run(handshake())
    assert hello == {"type": "hello", "user": None}
    assert pong == {"type": "pong"}


def test_make_run_loaded_demo_data_once(embedded_hub):
    database = embedded_hub["var_dir"] / "hub.sqlite3"
    with sqlite3.connect(database) as connection:
        users = connection.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
        staff = connection.execute("SELECT count(*) FROM accounts_user WHERE is_staff").fetchone()[0]
    assert users > 10
    assert staff == 1
    assert "Staff login: username 'admin'" in embedded_hub["log"].read_text()


def test_the_worker_beside_the_server_runs_tasks_from_the_embedded_broker(embedded_hub):
    database = embedded_hub["var_dir"] / "hub.sqlite3"
    enqueue = (
        "from datetime import timedelta; from django.utils import timezone;"
        "from accounts.models import LoginAttempt; from accounts.tasks import prune_login_attempts;"
        "a = LoginAttempt.objects.create(username='stale');"
        "LoginAttempt.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(hours=2));"
        "prune_login_attempts.delay()"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", enqueue],
        cwd=ROOT, env={**embedded_hub["env"], "DEBUG": "1"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    def pruned() -> bool:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT count(*) FROM accounts_loginattempt").fetchone()[0] == 0

    assert wait_until(pruned, timeout=30), embedded_hub["log"].read_text()[-3000:]
