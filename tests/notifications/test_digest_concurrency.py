"""Two workers sending the same users' digests at once (a tick enqueued twice, a redelivered
task): each user gets one digest, on PostgreSQL with real concurrent transactions."""

import datetime as dt
import threading

import pytest
from django.db import connections

from notifications.digest import digests_send
from notifications.models import DigestDelivery, Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SEVEN = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def test_racing_runs_send_each_users_digest_once(smtp_server, time_machine):
    time_machine.move_to(SEVEN - dt.timedelta(hours=2), tick=False)
    users = [UserFactory.create() for _ in range(20)]
    for user in users:
        NotificationPreference.objects.create(user=user, email=NotificationPreference.Email.DAILY_DIGEST)
        Notification.objects.create(recipient=user, kind=Notification.Kind.EVENT_ANNOUNCEMENT, title="Talk",
                                    source_key="event:1")  # fmt: skip
    time_machine.move_to(SEVEN, tick=False)
    ids = [user.pk for user in users]
    start = threading.Barrier(3)
    sent: list[int] = []
    errors: list[BaseException] = []

    def run(order: list[int]) -> None:
        try:
            start.wait(10)
            sent.append(digests_send(user_ids=order))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    runs = [threading.Thread(target=run, args=(order,)) for order in (ids, ids[::-1], ids[5:] + ids[:5])]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(60)
    assert errors == []
    assert sum(sent) == 20
    assert sorted(mail.rcpt_tos[0] for mail in smtp_server.messages) == sorted(user.email for user in users)
    assert DigestDelivery.objects.filter(state=DigestDelivery.State.SENT).count() == 20
