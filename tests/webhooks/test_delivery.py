"""The sender: signed, claimed before sending, in order per webhook, retried with backoff for a
day, never again after a 2xx, given up and the webhook disabled after a day of failures.

A real HTTP receiver on a loopback port answers (``WEBHOOK_ALLOW_PRIVATE`` on for it); the clock
is frozen and moved by time-machine where a duration is the subject.
"""

import json
import random
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from tests.webhooks.conftest import SECRET, webhook
from webhooks.delivery import (
    DISABLED_NOTIFICATION_KIND,
    LEASE_SECONDS,
    _claimed,
    retry_delay,
    webhook_deliveries_sweep,
    webhook_queue_send,
)
from webhooks.models import Delivery, Webhook
from webhooks.signing import signature_valid

pytestmark = pytest.mark.django_db
State = Delivery.State


def queued(hook: Webhook, count: int = 1, **fields) -> list[Delivery]:
    return [Delivery.objects.create(webhook=hook, event="message.new", data={"n": n}, **fields) for n in range(count)]


def ids_received(receiver) -> list[int]:
    return [json.loads(request.body)["id"] for request in receiver.requests()]


def test_a_delivery_arrives_once_signed_and_is_never_sent_again(allow_private, receiver):
    hook = webhook(receiver.url)
    (delivery,) = queued(hook)
    assert webhook_queue_send(webhook_id=hook.pk).sent == 1
    (request,) = receiver.requests()
    assert signature_valid(secret=SECRET, body=request.body, header=request.headers["x-hub-signature-256"])
    assert request.headers["x-hub-delivery"] == str(delivery.pk)
    assert request.headers["x-hub-event"] == "message.new"
    assert json.loads(request.body) == {
        "event": "message.new",
        "id": delivery.pk,
        "created_at": delivery.created_at.isoformat().replace("+00:00", "Z"),
        "data": {"n": 0},
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == (State.DELIVERED, 1, 200)
    # Run again, and again later: a delivered row is never sent again.
    assert webhook_queue_send(webhook_id=hook.pk).sent == 0
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert webhook_queue_send(webhook_id=hook.pk).sent == 0
    assert receiver.count() == 1
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 200)]


def test_a_500_is_retried_after_its_backoff_and_stops_after_the_2xx(allow_private, receiver):
    receiver.script = [500]
    hook = webhook(receiver.url)
    (delivery,) = queued(hook)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        first = webhook_queue_send(webhook_id=hook.pk)
        delivery.refresh_from_db()
        assert (first.sent, delivery.state, delivery.status_code) == (1, State.PENDING, 500)
        # The first retry waits 5-10 s (half of 10 s, plus jitter), and the queue waits with it.
        assert start + timedelta(seconds=5) <= delivery.next_attempt_at <= start + timedelta(seconds=10)
        assert first.wake_at == delivery.next_attempt_at
        assert webhook_queue_send(webhook_id=hook.pk).sent == 0
        clock.move_to(delivery.next_attempt_at)
        assert webhook_queue_send(webhook_id=hook.pk).sent == 1
        clock.move_to(timezone.now() + timedelta(hours=3))
        assert webhook_queue_send(webhook_id=hook.pk).sent == 0
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 2)
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 200)]
    assert ids_received(receiver) == [delivery.pk, delivery.pk]


def test_backoff_doubles_from_ten_seconds_to_an_hour_with_equal_jitter():
    class Highest(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    class Lowest(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return a

    ceilings = [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]
    assert [retry_delay(n, rng=Highest()) for n in range(1, 13)] == ceilings
    assert [retry_delay(n, rng=Lowest()) for n in range(1, 13)] == [c / 2 for c in ceilings]
    seeded = random.Random(7)
    for n in range(1, 40):
        ceiling = min(3600, 10 * 2 ** (n - 1))
        assert ceiling / 2 <= retry_delay(n, rng=seeded) <= ceiling


def test_deliveries_go_in_order_and_a_failing_head_holds_the_rest(allow_private, receiver):
    receiver.script = [503]
    hook = webhook(receiver.url)
    deliveries = queued(hook, 3)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        outcome = webhook_queue_send(webhook_id=hook.pk)
        assert outcome.sent == 1  # the head failed: the two behind it wait for it
        assert ids_received(receiver) == [deliveries[0].pk]
        clock.move_to(outcome.wake_at)
        assert webhook_queue_send(webhook_id=hook.pk).sent == 3
    assert ids_received(receiver) == [deliveries[0].pk, deliveries[0].pk, deliveries[1].pk, deliveries[2].pk]
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.DELIVERED}


def test_a_day_of_failures_gives_up_disables_the_webhook_skips_its_queue_and_tells_its_owner(
    allow_private, receiver, settings
):
    receiver.default = 500
    hook = webhook(receiver.url)
    head, behind = queued(hook, 2)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        for _round in range(200):
            outcome = webhook_queue_send(webhook_id=hook.pk)
            if outcome.wake_at is None:
                break
            clock.move_to(outcome.wake_at)
        end = timezone.now()
    head.refresh_from_db()
    behind.refresh_from_db()
    hook.refresh_from_db()
    assert head.state == State.FAILED
    assert timedelta(days=1) <= end - start < timedelta(days=1, minutes=1)
    # Exponential: ~10 attempts reach the one-hour cap, then about one an hour.
    assert 25 <= head.attempts <= 45
    assert behind.state == State.SKIPPED
    assert set(ids_received(receiver)) == {head.pk}
    assert receiver.count() == head.attempts == head.attempt_log.count()
    assert not hook.active and hook.disabled_at is not None
    (notice,) = Notification.objects.filter(recipient=hook.owner)
    assert notice.kind == DISABLED_NOTIFICATION_KIND
    assert receiver.url[:20] in notice.title
    # Disabled: nothing more is sent, whatever runs.
    assert webhook_queue_send(webhook_id=hook.pk).sent == 0


def test_a_claim_is_taken_once(allow_private, receiver):
    hook = webhook(receiver.url)
    (delivery,) = queued(hook)
    now = timezone.now()
    assert _claimed(delivery, now)
    assert not _claimed(delivery, now)  # the same attempt: the second claimant does nothing
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.SENDING, 1)


def test_a_second_sender_for_the_same_webhook_sends_nothing(allow_private, receiver):
    hook = webhook(receiver.url)
    queued(hook)
    Webhook.objects.filter(pk=hook.pk).update(
        sender_claim=uuid.uuid4(), sender_lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS)
    )
    outcome = webhook_queue_send(webhook_id=hook.pk)
    assert (outcome.leased, outcome.sent) == (False, 0)
    assert receiver.count() == 0
    # The lease runs out (its worker died): the next sender takes over.
    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)):
        assert webhook_queue_send(webhook_id=hook.pk).sent == 1
    assert receiver.count() == 1


def test_a_request_whose_worker_died_is_unconfirmed_never_resent_and_the_queue_moves_on(allow_private, receiver):
    hook = webhook(receiver.url)
    stuck, after = queued(hook, 2)
    claimed = timezone.now() - timedelta(seconds=LEASE_SECONDS + 5)
    Delivery.objects.filter(pk=stuck.pk).update(state=State.SENDING, attempts=1, claimed_at=claimed)
    assert webhook_queue_send(webhook_id=hook.pk).sent == 1
    stuck.refresh_from_db()
    assert stuck.state == State.UNCONFIRMED
    assert ids_received(receiver) == [after.pk]


def test_a_request_still_under_way_elsewhere_holds_the_queue(allow_private, receiver):
    hook = webhook(receiver.url)
    sending, _after = queued(hook, 2)
    Delivery.objects.filter(pk=sending.pk).update(state=State.SENDING, attempts=1, claimed_at=timezone.now())
    outcome = webhook_queue_send(webhook_id=hook.pk)
    assert outcome.sent == 0 and outcome.wake_at is not None
    assert receiver.count() == 0


def test_a_destination_refused_at_send_time_is_a_failed_attempt_and_nothing_is_sent(settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE = False  # registered while allowed, say; refused now
    hook = webhook(receiver.url)
    (delivery,) = queued(hook)
    assert webhook_queue_send(webhook_id=hook.pk).sent == 1
    delivery.refresh_from_db()
    assert delivery.state == State.PENDING
    assert "loopback" in delivery.error
    assert receiver.count() == 0


def test_the_sweep_names_webhooks_with_due_work_nobody_holds_and_prunes_old_deliveries(allow_private, receiver):
    due, held, waiting = webhook(receiver.url), webhook(receiver.url), webhook(receiver.url)
    queued(due)
    queued(held)
    queued(waiting, next_attempt_at=timezone.now() + timedelta(minutes=5))
    queued(waiting)  # due, but behind a head that waits for its retry: not due either
    Webhook.objects.filter(pk=held.pk).update(
        sender_claim=uuid.uuid4(), sender_lease_until=timezone.now() + timedelta(seconds=30)
    )
    old = queued(due, state=State.DELIVERED, finished_at=timezone.now() - timedelta(days=31))[0]
    assert webhook_deliveries_sweep() == [due.pk]
    assert not Delivery.objects.filter(pk=old.pk).exists()
