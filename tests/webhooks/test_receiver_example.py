"""The documented example receiver works against the Hub's real sender: it takes a signed delivery
once (dropping the retry of the same id) and refuses a forged one."""

import importlib.util
import threading
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.webhooks.conftest import SECRET, webhook
from webhooks.delivery import webhook_queue_send
from webhooks.destinations import destination_checked
from webhooks.models import Delivery
from webhooks.sending import post
from webhooks.signing import delivery_headers

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "webhook_receiver_example.py"


@pytest.fixture
def example():
    spec = importlib.util.spec_from_file_location("webhook_receiver_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server = module.Receiver(("127.0.0.1", free_port()), SECRET)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_example_receiver_takes_a_signed_delivery_once_and_refuses_a_forged_one(allow_private, example):
    url = f"http://127.0.0.1:{example.server_address[1]}/"
    hook = webhook(url)
    delivery = Delivery.objects.create(webhook=hook, event="message.new", data={"id": 3, "body": "hi"})
    assert webhook_queue_send(webhook_id=hook.pk).sent == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.status_code) == ("delivered", 204)
    assert [event["id"] for event in example.handled] == [delivery.pk]
    # The same delivery again (as a retry after a lost answer would be): accepted, not handled twice.
    body = b'{"event":"message.new","id":%d,"created_at":"2026-11-30T00:00:00Z","data":{}}' % delivery.pk
    headers = delivery_headers(event="message.new", delivery_id=delivery.pk, secret=SECRET, body=body)
    assert post(destination_checked(url), body=body, headers=headers, timeout=5).status_code == 204
    assert len(example.handled) == 1
    forged = delivery_headers(event="message.new", delivery_id=99, secret="not-the-secret-at-all", body=body)
    assert post(destination_checked(url), body=body, headers=forged, timeout=5).status_code == 401
    assert len(example.handled) == 1
