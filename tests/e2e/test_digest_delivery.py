"""The daily digest delivered by a real Celery worker on real Redis to a real SMTP server: a user
in Tokyo (UTC+9) gets theirs at their hour, grouped by the objective they follow, and not again
that local day, however many ticks come; a user in UTC whose hour has not come gets nothing then.

The beat ticks are sent to the worker as beat would send them, with the moment to act as ("now",
the task's argument: the worker's clock is not frozen, the hour is chosen by the argument). The
worker runs one task at a time in queue order, so once an effect of a later tick is in the
mailbox, every earlier tick has been handled.
"""

import datetime as dt

import pytest
from django.utils import timezone

from experts.models import Resource
from notifications.models import DigestDelivery, Notification, NotificationPreference, Subscription
from notifications.tasks import send_daily_digests
from tests.e2e.processes import wait_until
from tests.e2e.test_events_delivery import WAIT, hub_env, sink, worker_factory  # noqa: F401 (fixtures)
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def digest_reader(zone: str, hour: int, **fields):
    user = UserFactory.create(**fields)
    NotificationPreference.objects.create(
        user=user, email=NotificationPreference.Email.DAILY_DIGEST, timezone=zone, digest_hour=hour
    )
    Subscription.objects.create(user=user, objectives=["9"])
    Notification.objects.create(recipient=user, kind=Notification.Kind.MENTION, title=f"Mention for {user.username}",
                                source_key="message:1")  # fmt: skip
    return user


def tick(moment: dt.datetime) -> None:
    send_daily_digests.delay(now=moment.isoformat())


def test_a_digest_reaches_a_user_in_tokyo_at_their_hour_and_not_again_that_day(taxonomy, sink, worker_factory):  # noqa: F811
    worker = worker_factory(hub_env(sink))
    # The next 00:10 UTC: 09:10 in Tokyo. The digest covers the day before it, which holds now.
    today = timezone.now().astimezone(dt.UTC)
    nine_in_tokyo = dt.datetime.combine(today.date() + dt.timedelta(days=1), dt.time(0, 10), tzinfo=dt.UTC)
    tokyo = digest_reader("Asia/Tokyo", 9, language="fr")  # created first: a lower id, sent first in a chunk
    london = digest_reader("UTC", 9)
    # London had today's digest already (else a tick past 09:00 today would catch it up at once).
    DigestDelivery.objects.create(user=london, day=today.date(), covers_until=today - dt.timedelta(minutes=1),
                                  state="sent")  # fmt: skip
    Resource.objects.create(kind=Resource.Kind.DOCUMENT, title="Handbook on smuggling", objectives=["9"],
                            status=Resource.Status.APPROVED, decided_at=timezone.now())  # fmt: skip

    tick(nine_in_tokyo - dt.timedelta(hours=1))  # 08:10 in Tokyo: not yet
    tick(nine_in_tokyo)
    assert wait_until(lambda: sink.count() >= 1, timeout=WAIT), worker.tail()
    [digest] = sink.messages
    assert str(digest["To"]) == tokyo.email
    claim = DigestDelivery.objects.get(user=tokyo)
    assert (claim.day, claim.covers_until) == (nine_in_tokyo.date(), nine_in_tokyo)  # not the 08:10 tick
    assert DigestDelivery.objects.filter(user=london).count() == 1  # 00:10 in London: before 09:00
    html = digest.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert '<html lang="fr"' in content
    assert "Handbook on smuggling" in content and f"Mention for {tokyo.username}" in content
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Later ticks of the same day in Tokyo (10:10, then 23:10); the last is 14:10 in London, whose
    # digest is due then: once it is in, every tick before it has been handled.
    tick(nine_in_tokyo + dt.timedelta(hours=1))
    tick(nine_in_tokyo + dt.timedelta(hours=14))
    assert wait_until(lambda: sink.count() >= 2, timeout=WAIT), worker.tail()
    assert wait_until(lambda: DigestDelivery.objects.filter(user=london, state="sent").count() == 2, timeout=WAIT)
    assert sink.recipients() == {tokyo.email: 1, london.email: 1}
    assert list(DigestDelivery.objects.filter(user=tokyo).values_list("day", "state")) == [
        (nine_in_tokyo.date(), "sent")
    ]
