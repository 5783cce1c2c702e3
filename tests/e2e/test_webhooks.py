"""Webhooks delivered by a real Celery worker on real Redis to a real HTTP receiver on loopback.

The Hub runs as it does in production: a uvicorn server takes the REST calls (registering the
webhook, posting messages) and a worker process sends the deliveries. The receiver listens on a
loopback port, so these tests turn ``WEBHOOK_ALLOW_PRIVATE`` on, except the one that checks that a
private address is refused by default. Each test waits for a later effect (never a fixed time)
before saying that something did not happen.
"""

import json
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.services import token_for
from discussions.models import Membership, Space
from tests.e2e.processes import services_env, start_uvicorn, start_worker, stop, wait_until
from tests.factories import UserFactory
from tests.webhooks.receiver import Receiver, receiver_running
from webhooks.models import Delivery, DeliveryAttempt, Webhook
from webhooks.signing import signature_valid
from webhooks.tasks import sweep_webhook_deliveries

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT = 60  # seconds: generous for a loaded machine; each wait ends as soon as its condition holds
SECRET = "e2e-secret-that-signs-every-delivery"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    """Start a server and a worker with the given settings; both are stopped at the end."""
    started: list[Any] = []

    def start(**settings: str) -> tuple[int, Path]:
        env = services_env(DISCUSSION_RATE_LIMIT_COUNT="1000", **settings)
        worker_log = tmp_path / f"worker-{len(started)}.log"
        started.append(start_worker(env, worker_log))
        server, port = start_uvicorn(env, tmp_path / f"uvicorn-{len(started)}.log")
        started.append(server)
        return port, worker_log

    yield start
    for process in started:
        stop(process)


def call(port: int, method: str, path: str, user: Any, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        headers={"Authorization": f"Token {token_for(user)}", "Content-Type": "application/json"},
        data=json.dumps(body).encode() if body is not None else None,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test server on loopback)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def register(port: int, staff: Any, url: str) -> tuple[int, Any]:
    return call(port, "POST", "/api/v1/webhooks/", staff, {"url": url, "events": ["message.new"], "secret": SECRET})


def space_with_author() -> tuple[Space, Any]:
    space = Space.objects.create(slug="webhook-e2e", name="Webhook e2e")
    author = UserFactory.create()
    Membership.objects.create(space=space, user=author)
    return space, author


def post_message(port: int, space: Space, author: Any, text: str) -> int:
    status, message = call(port, "POST", f"/api/v1/spaces/{space.slug}/messages/", author, {"body": text})
    assert status == 201, message
    return int(message["id"])


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in receiver.requests()]


def test_a_delivery_arrives_signed_is_retried_after_a_500_and_stops_after_the_2xx(hub, receiver):
    port, worker_log = hub(WEBHOOK_ALLOW_PRIVATE="1", WEBHOOK_RETRY_BASE_SECONDS="0.5")
    staff = UserFactory.create(is_staff=True)
    space, author = space_with_author()
    status, created = register(port, staff, receiver.url)
    assert status == 201, created
    receiver.script = [500]
    message_id = post_message(port, space, author, "Hello, integrations")
    assert wait_until(lambda: receiver.count() >= 2, timeout=WAIT), worker_log.read_text()[-3000:]
    (delivery,) = Delivery.objects.filter(webhook_id=created["id"])
    assert wait_until(lambda: Delivery.objects.get(pk=delivery.pk).state == "delivered", timeout=WAIT)
    # Beat's sweep runs (anything owed would go now), then a later message arrives after it:
    # only then is "the first delivery was not sent again" a fact.
    sweep_webhook_deliveries.delay()
    later_id = post_message(port, space, author, "a later message")
    assert wait_until(lambda: receiver.count() >= 3, timeout=WAIT), worker_log.read_text()[-3000:]
    received = receiver.requests()
    for request in received:
        assert signature_valid(secret=SECRET, body=request.body, header=request.headers["x-hub-signature-256"])
        assert request.headers["x-hub-event"] == "message.new"
        assert request.headers["x-hub-delivery"] == str(json.loads(request.body)["id"])
    assert [(b["id"], b["data"]["id"]) for b in bodies(receiver)] == [
        (delivery.pk, message_id),  # answered 500
        (delivery.pk, message_id),  # retried: answered 200
        (delivery.pk + 1, later_id),
    ]
    assert list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")) == [
        (1, 500),
        (2, 200),
    ]
    assert bodies(receiver)[1]["data"]["body"] == "Hello, integrations"


def test_a_private_address_is_refused_by_default(hub, receiver):
    port, worker_log = hub()  # WEBHOOK_ALLOW_PRIVATE unset: off
    staff = UserFactory.create(is_staff=True)
    status, answer = register(port, staff, receiver.url)
    assert status == 400
    assert "loopback" in " ".join(answer["url"])
    assert not Webhook.objects.exists()
    # One stored while private addresses were allowed is refused at send time: no request is made.
    space, author = space_with_author()
    Webhook.objects.create(owner=staff, url=receiver.url, events=["message.new"], secret=SECRET)
    # The server's cache of routes was read before the webhook existed; the sweep-like wait of a
    # few seconds is what WEBHOOK_ROUTES_CACHE_SECONDS allows. Post until a delivery is written.
    assert wait_until(
        lambda: post_message(port, space, author, "hello") and Delivery.objects.exists(), timeout=WAIT, interval=1
    )
    assert wait_until(lambda: DeliveryAttempt.objects.exists(), timeout=WAIT), worker_log.read_text()[-3000:]
    attempt = DeliveryAttempt.objects.first()
    assert attempt is not None and attempt.status_code is None
    assert "loopback" in attempt.error
    assert receiver.count() == 0


def test_deliveries_arrive_in_order_per_webhook_through_failures(hub, receiver):
    port, worker_log = hub(WEBHOOK_ALLOW_PRIVATE="1", WEBHOOK_RETRY_BASE_SECONDS="0.3")
    staff = UserFactory.create(is_staff=True)
    space, author = space_with_author()
    status, created = register(port, staff, receiver.url)
    assert status == 201
    receiver.script = [500, 503, 200, 500]  # the first message is taken at its third try, the second at its second
    message_ids = [post_message(port, space, author, f"message {n}") for n in range(6)]
    assert wait_until(
        lambda: Delivery.objects.filter(webhook_id=created["id"], state="delivered").count() == 6, timeout=WAIT
    ), worker_log.read_text()[-3000:]
    arrived = [b["data"]["id"] for b in bodies(receiver)]
    # Each message is sent until it is taken, and none before the one ahead of it was taken.
    first_seen = list(dict.fromkeys(arrived))
    assert first_seen == message_ids
    assert arrived == sorted(arrived, key=message_ids.index)
    assert Counter(arrived)[message_ids[0]] == 3 and Counter(arrived)[message_ids[1]] == 2
