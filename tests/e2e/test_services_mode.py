"""The Hub as deployed: uvicorn and a Celery worker on real PostgreSQL and Redis."""

import asyncio
import json
from datetime import timedelta

import pytest
import websockets
from django.utils import timezone
from websockets.exceptions import InvalidStatus

from accounts.models import LoginAttempt
from accounts.services import token_for
from accounts.tasks import prune_login_attempts
from config.celery import app as celery_app
from tests.e2e.processes import services_env, start_uvicorn, start_worker, stop, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(tmp_path):
    process, port = start_uvicorn(services_env(), tmp_path / "uvicorn.log")
    yield port
    stop(process)


def socket_hello(port: int, **connect_kwargs) -> dict:
    async def run():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/health/", **connect_kwargs) as socket:
            return json.loads(await socket.recv())

    return asyncio.run(run())


def test_token_authenticates_a_socket_on_a_real_server(server, user):
    hello = socket_hello(server, additional_headers={"Authorization": f"Token {token_for(user)}"})
    assert hello == {"type": "hello", "user": user.username}


def test_real_server_refuses_a_foreign_origin_with_403(server):
    with pytest.raises(InvalidStatus) as refused:
        socket_hello(server, origin="http://evil.example")
    assert refused.value.response.status_code == 403
    assert socket_hello(server, origin=f"http://127.0.0.1:{server}") == {"type": "hello", "user": None}


def test_a_celery_worker_runs_tasks_from_redis(tmp_path, db):
    stale = LoginAttempt.objects.create(username="stale")
    LoginAttempt.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = LoginAttempt.objects.create(username="fresh")
    worker = start_worker(services_env(), tmp_path / "worker.log")
    try:
        with celery_app.connection_for_write() as connection:
            # A valid option (Celery passes it on to send_task) that celery-types does not list.
            prune_login_attempts.apply_async(connection=connection)  # type: ignore[call-arg]
        assert wait_until(lambda: not LoginAttempt.objects.filter(pk=stale.pk).exists(), timeout=60), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        assert LoginAttempt.objects.filter(pk=fresh.pk).exists()
    finally:
        stop(worker)
