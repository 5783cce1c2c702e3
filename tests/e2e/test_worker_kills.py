"""A Celery worker killed (SIGKILL) in the middle of each kind of task: one effect per recipient after
recovery (issue 14.3): contact relays, reminders, digests, webhook deliveries. The announcement's
own case is in ``test_events_delivery.py``.

Each test holds the k-th email at the SMTP server (it has arrived; its answer has not) and kills
the worker then: the worker dies between the server taking a message and the worker hearing so,
with the rest of its queue prefetched and unacknowledged. A new worker and the beat sweeps (sent
as beat sends them) must then deliver everything owed, and nothing twice: the one in doubt has
arrived once and is not sent again. Each test ends on a later effect (a marker that goes through
the same worker) before saying that nothing else arrived.
"""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from discussions.models import Membership, Space
from discussions.services.posting import message_post
from events.models import Event, Rsvp
from events.tasks import send_event_reminders
from experts.models import ExpertContact
from experts.services.contact import expert_contact
from experts.tasks import expert_contact_relay_sweep
from notifications.models import DigestDelivery, Notification, NotificationPreference
from notifications.tasks import send_daily_digests, sweep_notification_emails
from tests.e2e.processes import wait_until
from tests.e2e.test_events_delivery import WAIT, draft_event, hub_env, organizer, sink, worker_factory  # noqa: F401
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory
from tests.webhooks.receiver import receiver_running
from webhooks.models import Delivery, Webhook
from webhooks.tasks import sweep_webhook_deliveries

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def subjects(sink) -> Counter[str]:  # noqa: F811
    with sink._lock:
        return Counter(str(message["Subject"]) for message in sink.messages)


def test_a_worker_killed_relaying_contacts_leaves_one_relay_per_contact(sink, worker_factory):  # noqa: F811
    sink.hold_at = 2
    env = hub_env(sink)
    worker = worker_factory(env)
    sender = UserFactory.create()
    experts = ExpertFactory.create_batch(4, accepts_contact=True)
    for number, expert in enumerate(experts[:3], start=1):
        with transaction.atomic():
            expert_contact(expert_id=expert.pk, sender=sender, subject=f"Question {number}", message="Can we talk?")
    assert sink.holding.wait(WAIT), worker.tail()
    worker.kill()  # the second relay has arrived, unanswered; the third waits, prefetched, unacknowledged
    sink.release.set()
    assert sink.count() == 2

    recovered = worker_factory(env)
    # The sweep leaves contacts younger than five minutes to their own task: these are older now.
    ExpertContact.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    expert_contact_relay_sweep.delay()
    expert_contact_relay_sweep.delay()  # a second tick finds nothing more to do
    assert wait_until(lambda: sink.count() >= 3, timeout=WAIT), recovered.tail()
    # Queued after everything the sweeps queued (one task at a time, in order): once it is in, they are done.
    with transaction.atomic():
        expert_contact(expert_id=experts[3].pk, sender=sender, subject="Question 4", message="A marker.")
    assert wait_until(lambda: any("Question 4" in s for s in subjects(sink)), timeout=WAIT), recovered.tail()
    relays = Counter({subject.split("] ", 1)[-1]: n for subject, n in subjects(sink).items()})
    assert relays == Counter({f"Question {number}": 1 for number in range(1, 5)}), relays
    assert ExpertContact.objects.filter(relayed_at=None).count() == 0


def test_a_worker_killed_sending_reminders_leaves_one_reminder_per_attendee(sink, worker_factory):  # noqa: F811
    sink.hold_at = 3
    env = hub_env(sink, NOTIFICATION_EMAIL_CHUNK="2")
    worker = worker_factory(env)
    by = organizer()
    event = draft_event(by, starts_in=timedelta(hours=23), status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now(), announced_at=timezone.now())
    attendees = UserFactory.create_batch(6)
    Rsvp.objects.bulk_create([Rsvp(event=event, user=user, response="yes") for user in attendees])
    send_event_reminders.delay()
    assert sink.holding.wait(WAIT), worker.tail()
    worker.kill()  # in the middle of the second chunk of reminder emails
    sink.release.set()

    recovered = worker_factory(env)
    send_event_reminders.delay()  # beat's next ticks: no reminder is owed twice
    sweep_notification_emails.delay()  # the emails of the chunks the dead worker held
    sweep_notification_emails.delay()
    marker = draft_event(by, title="Marker event", starts_in=timedelta(minutes=50), status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=marker.pk).update(published_at=timezone.now(), announced_at=timezone.now())
    Rsvp.objects.create(event=marker, user=attendees[0], response="yes")
    send_event_reminders.delay()
    assert wait_until(lambda: any("Marker event" in s for s in subjects(sink)), timeout=WAIT), recovered.tail()
    assert wait_until(lambda: sink.count() >= len(attendees) + 1, timeout=WAIT), recovered.tail()
    reminded = Counter(str(m["To"]) for m in sink.messages if "Objective 9 training" in str(m["Subject"]))
    assert reminded == Counter({user.email: 1 for user in attendees})


def test_a_worker_killed_sending_digests_leaves_one_digest_per_reader(sink, worker_factory):  # noqa: F811
    sink.hold_at = 2
    env = hub_env(sink, NOTIFICATION_EMAIL_CHUNK="10")
    worker = worker_factory(env)
    readers = UserFactory.create_batch(5)
    for reader in readers:
        NotificationPreference.objects.create(
            user=reader, email=NotificationPreference.Email.DAILY_DIGEST, timezone="UTC", digest_hour=0
        )
        Notification.objects.create(recipient=reader, kind=Notification.Kind.MENTION, title="You were mentioned",
                                    source_key=f"message:{reader.pk}")  # fmt: skip
    now = timezone.now()
    send_daily_digests.delay(now=now.isoformat())
    assert sink.holding.wait(WAIT), worker.tail()
    worker.kill()  # one chunk of five: two digests out (the second unanswered), three not yet
    sink.release.set()

    # The dead run's claims have outlived NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS (the wall clock's).
    DigestDelivery.objects.update(created_at=timezone.now() - timedelta(hours=1))
    recovered = worker_factory(env)
    later = now + timedelta(minutes=5)
    send_daily_digests.delay(now=later.isoformat())  # beat's next ticks of the same day
    send_daily_digests.delay(now=(later + timedelta(minutes=1)).isoformat())
    assert wait_until(lambda: sink.count() >= len(readers), timeout=WAIT), recovered.tail()
    marker = UserFactory.create()
    NotificationPreference.objects.create(
        user=marker, email=NotificationPreference.Email.DAILY_DIGEST, timezone="UTC", digest_hour=0
    )
    Notification.objects.create(recipient=marker, kind=Notification.Kind.MENTION, title="Marker", source_key="m")
    send_daily_digests.delay(now=(later + timedelta(minutes=2)).isoformat())
    assert wait_until(lambda: marker.email in {str(m["To"]) for m in sink.messages}, timeout=WAIT), recovered.tail()
    digests = Counter(str(m["To"]) for m in sink.messages if str(m["To"]) != marker.email)
    assert digests == Counter({reader.email: 1 for reader in readers})
    # The two attempted before the kill (both arrived; a chunk records "sent" at its end) are in
    # doubt for the Hub, and never sent again; the three never attempted went back to a tick.
    assert DigestDelivery.objects.filter(state=DigestDelivery.State.UNCONFIRMED).count() == 2


def test_a_worker_killed_mid_request_leaves_each_webhook_delivery_sent_once_in_order(sink, worker_factory):  # noqa: F811
    env = hub_env(sink, WEBHOOK_ALLOW_PRIVATE="1")
    with receiver_running(hold_at=2) as receiver:
        worker = worker_factory(env)
        space = Space.objects.create(slug="kill-hooks", name="Webhooks under fire")
        author = UserFactory.create()
        Membership.objects.create(space=space, user=author)
        Webhook.objects.create(
            owner=UserFactory.create(is_staff=True),
            url=receiver.url,
            events=["message.new"],
            secret="a secret of enough length",
        )
        for number in (1, 2, 3):
            message_post(slug=space.slug, author=author, body=f"Message {number}")
        assert receiver.holding.wait(WAIT), worker.tail()
        worker.kill()  # the second delivery arrived; its answer had not
        receiver.release.set()

        recovered = worker_factory(env)
        # A minute later (LEASE_SECONDS): the dead sender's lease and its claim on the head ran out.
        a_minute_ago = timezone.now() - timedelta(seconds=61)
        Webhook.objects.update(sender_lease_until=a_minute_ago)
        Delivery.objects.filter(state=Delivery.State.SENDING).update(claimed_at=a_minute_ago)
        sweep_webhook_deliveries.delay()
        assert wait_until(lambda: receiver.count() >= 3, timeout=WAIT), recovered.tail()
        message_post(slug=space.slug, author=author, body="Message 4")  # a marker behind the rest
        assert wait_until(lambda: receiver.count() >= 4, timeout=WAIT), recovered.tail()
        sweep_webhook_deliveries.delay()
        message_post(slug=space.slug, author=author, body="Message 5")
        assert wait_until(lambda: receiver.count() >= 5, timeout=WAIT), recovered.tail()
        received = [json.loads(request.body) for request in receiver.requests()]
    bodies = [delivery["data"]["body"] for delivery in received]
    assert bodies == [f"Message {number}" for number in range(1, 6)], bodies  # each once, in order
    assert len({delivery["id"] for delivery in received}) == 5
    # The one in flight when the worker died arrived, and is never sent again.
    assert list(Delivery.objects.filter(state=Delivery.State.UNCONFIRMED).values_list("data__body", flat=True)) == [
        "Message 2"
    ]
