"""Redis fails over: a primary, a replica and three Sentinels of the test's own; two Hub server
processes and a Celery worker configured with ``REDIS_SENTINELS`` (channel layer, cache, broker,
presence); the primary is SIGKILLed while two clients' messages and event announcements flow.

What must hold: the Hub follows the promoted replica by itself (no restart); every committed
message reaches the open sockets in seq order and a resuming client gets them all; every
announcement is emailed once to each subscriber, including the one published while no master
existed (its task never reached a broker: the beat sweep re-queues what the database says is owed).
"""

import asyncio
import json
import signal
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from celery import Celery

from config import redis_urls
from discussions.models import Message, Space
from events.models import Event
from tests.e2e.processes import start_uvicorn, stop, wait_until
from tests.e2e.redis_sentinel import MASTER_NAME, start_sentinel_set
from tests.e2e.spaces_client import member, next_frame, open_socket, rest
from tests.e2e.test_events_delivery import (
    draft_event,
    hub_env,
    organizer,
    publish_over_http,
    sink,
    subscribers,
    worker_factory,
)
from tests.e2e.test_faults_database import http

# Every wait inside is bounded; their sum on a loaded 2-core machine can pass the suite's 120 s.
pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]
__all__ = ["sink", "worker_factory"]  # fixtures, imported to be used here

POSTS = 40
KILL_AT = 12  # the primary dies after this many posts
WAIT = 60


@pytest.fixture
def cluster(tmp_path):
    cluster = start_sentinel_set(tmp_path)
    yield cluster
    cluster.stop()


def beat_client(cluster, db: int) -> Celery:
    """A beat tick's sender, through Sentinel like the Hub."""
    location = redis_urls.SentinelLocation(
        tuple(("127.0.0.1", port) for _p, port in cluster.sentinels), MASTER_NAME, db
    )
    # Not made the current app: shared tasks queued later in this process (other tests) would go
    # to this cluster's broker, gone once the test ends.
    app = Celery(broker=redis_urls.celery_broker_url(location), set_as_current=False)
    app.conf.broker_transport_options = redis_urls.celery_transport_options(location)
    return app


def register(port: int, username: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/register/",
        data=json.dumps(
            {"username": username, "email": f"{username}@example.org", "password": "a long passphrase 1"}
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (loopback test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_hub_follows_a_sentinel_failover(tmp_path, sink, worker_factory, cluster):
    env = hub_env(sink, **cluster.hub_env(db=0), CELERY_BROKER_DB="1", DISCUSSION_RATE_LIMIT_COUNT="100000",
                  REALTIME_PRESENCE_TTL_SECONDS="2")  # fmt: skip
    worker = worker_factory(env)
    (server_a, port_a), (server_b, port_b) = (start_uvicorn(env, tmp_path / f"server-{i}.log") for i in range(2))
    space = Space.objects.create(slug="failover", name="Failover")
    alice, bob = member(space), member(space)
    by = organizer()
    followers = subscribers(3)
    before, during, after = (draft_event(by, title=f"Webinar {name}") for name in ("before", "during", "after"))
    try:
        # Before: an announcement through the Sentinel-named broker.
        assert publish_over_http(port_a, before, by) == 200
        assert wait_until(lambda: len(sink.recipients()) == 3, timeout=WAIT), worker.tail()

        def alice_listed_online(port: int) -> bool:
            _status, page = rest(port, bob, "GET", f"spaces/{space.slug}/members/")
            return any(row["username"] == alice.username and row["online"] for row in page["results"])

        posted: dict[str, int] = {}
        failed_attempts = Counter[str]()

        def post_all() -> None:
            # Alternately through both servers; a post that fails is sent again with its client_id.
            for index in range(POSTS):
                client_id, port, user = f"p{index}", (port_a, port_b)[index % 2], (alice, bob)[index % 2]
                for _attempt in range(50):
                    status, body = rest(port, user, "POST", f"spaces/{space.slug}/messages/",
                                        {"body": f"post {index}", "client_id": client_id})  # fmt: skip
                    if status in (200, 201):
                        posted[client_id] = body["seq"]
                        break
                    failed_attempts[client_id] += 1
                    threading.Event().wait(0.2)
                if index == KILL_AT:
                    cluster.primary.send_signal(signal.SIGKILL)
                    cluster.primary.wait()
                    # Published with no master anywhere: the request succeeds, its task is lost.
                    assert publish_over_http(port_b, during, by) == 200
                threading.Event().wait(0.05)

        async def scenario():
            loop = asyncio.get_running_loop()
            async with open_socket(port_a, alice, space.slug) as on_a, open_socket(port_b, bob, space.slug) as on_b:
                await next_frame(on_a, "hello")
                await next_frame(on_b, "hello")

                async def collect(socket):
                    seqs: list[int] = []
                    while len(seqs) < POSTS:
                        seqs.append((await next_frame(socket, "message.new", timeout=WAIT))["message"]["seq"])
                    return seqs

                _, seen_a, seen_b = await asyncio.gather(
                    loop.run_in_executor(None, post_all), collect(on_a), collect(on_b)
                )
                # Presence through the new master: server B lists alice, whose socket is on A, and
                # her entry (2 s to live) must have been renewed there by server A since the failover.
                online = await loop.run_in_executor(
                    None, lambda: wait_until(lambda: alice_listed_online(port_b), timeout=WAIT, interval=0.5)
                )
                return seen_a, seen_b, online

        seen_a, seen_b, online = asyncio.run(scenario())
        assert cluster.master_port() == cluster.replica_port  # Sentinel promoted the replica
        assert online
        # The cache through the new master: registration's throttle counts there.
        assert register(port_b, "newcomer") == 201
        # Live through the failover: each open socket got every message, in seq order, once.
        assert seen_a == seen_b == list(range(1, POSTS + 1))
        assert sorted(posted.values()) == list(range(1, POSTS + 1))

        async def resume():
            async with open_socket(port_b, alice, space.slug, after=0) as socket:
                await next_frame(socket, "hello")
                return [(await next_frame(socket, "message.new"))["message"]["seq"] for _ in range(POSTS)]

        assert asyncio.run(resume()) == list(range(1, POSTS + 1))
        assert Message.objects.filter(space=space).count() == POSTS

        # After: straight through the new master. The one published during the failover is owed,
        # and the beat's sweep (sent here, through Sentinel) queues it again.
        assert publish_over_http(port_a, after, by) == 200
        beat = beat_client(cluster, db=1)
        beat.send_task("events.tasks.sweep_event_announcements")
        beat.close()
        every_one_thrice = Counter({user.email: 3 for user in followers})
        assert wait_until(lambda: sink.recipients() == every_one_thrice, timeout=WAIT), worker.tail()
        assert all(Event.objects.get(pk=event.pk).announced_at for event in (before, during, after))

        # The Hub says it is whole again, through Sentinel, on both servers; nothing was restarted.
        for port in (port_a, port_b):
            assert wait_until(lambda port=port: http(port, "/healthz")[0] == 200, timeout=WAIT)
        assert worker.process.poll() is None and server_a.poll() is None and server_b.poll() is None
    finally:
        stop(server_a)
        stop(server_b)
    assert sink.recipients() == every_one_thrice  # and no second email after all
