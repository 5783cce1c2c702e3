"""Smoke test of ``make run`` in embedded mode: SQLite, in-process layer, filesystem broker."""

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

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


def get_json(url: str) -> tuple[int, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback test server)
        return response.status, json.loads(response.read())


def api(port: int, method: str, path: str, payload: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (loopback test server)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def registered_token(port: int, username: str) -> str:
    password = f"{username}-embedded-pass-7431"
    status, body = api(port, "POST", "auth/register/", {"username": username, "email": f"{username}@hub.example",
                                                        "password": password})  # fmt: skip
    assert status == 201, body
    status, body = api(port, "POST", "auth/token/", {"username": username, "password": password})
    assert status == 200, body
    return body["token"]


async def next_frame(socket, frame_type: str, timeout: float = 10) -> dict:
    """The next frame of ``frame_type``, skipping others (presence and the like)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.monotonic())))
        if frame["type"] == frame_type:
            return frame


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


def test_a_message_posted_on_one_socket_reaches_another_socket(embedded_hub):
    port = embedded_hub["port"]
    amina, kwame = registered_token(port, "amina-embedded"), registered_token(port, "kwame-embedded")
    status, spaces = api(port, "GET", "spaces/")
    assert status == 200, spaces
    slug = next(space["slug"] for space in spaces["results"] if space["visibility"] == "public")
    for token in (amina, kwame):
        status, joined = api(port, "POST", f"spaces/{slug}/join/", token=token)
        assert status in (200, 201), joined
    body = "Posted on one socket, read on another (embedded mode)"

    async def scenario():
        url = f"ws://127.0.0.1:{port}/ws/spaces/{slug}/"
        async with (
            websockets.connect(url, additional_headers={"Authorization": f"Token {amina}"}) as sender,
            websockets.connect(url, additional_headers={"Authorization": f"Token {kwame}"}) as reader,
        ):
            hello = await next_frame(sender, "hello")
            await next_frame(reader, "hello")
            await sender.send(json.dumps({"type": "message.send", "body": body, "client_id": "embedded-1"}))
            return hello, await next_frame(reader, "message.new"), await next_frame(sender, "message.new")

    hello, theirs, mine = asyncio.run(scenario())
    assert theirs == mine
    assert theirs["message"]["body"] == body
    assert theirs["message"]["author"]["username"] == "amina-embedded"
    assert theirs["message"]["seq"] == hello["last_seq"] + 1
    # It reached the other socket because it was stored: the history has it too.
    status, page = api(port, "GET", f"spaces/{slug}/messages/?after={hello['last_seq']}", token=kwame)
    assert status == 200, page
    assert [message["body"] for message in page["results"]] == [body]


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
