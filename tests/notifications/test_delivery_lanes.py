"""A big chunk of notification emails goes out over several SMTP connections at once (``delivery._lanes``),
each message claimed by one run only, also when two runs of the same chunk race (PostgreSQL: the lanes
run in threads with database connections of their own, so the rows must be committed)."""

import threading
from collections import Counter

import pytest
from django.utils import timezone

from notifications import delivery
from notifications.delivery import email_deliveries_send
from notifications.models import EmailDelivery, Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

State = EmailDelivery.State


def pending_deliveries(count: int) -> list[int]:
    """``count`` committed notifications with pending email rows (no task queued: the test sends)."""
    users = UserFactory.create_batch(count)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, kind=Notification.Kind.EVENT_ANNOUNCEMENT, title="Training: Objective 9",
                     body="Nairobi", url="/events/1/", source_key="event:1:announce", created_at=now)
        for user in users
    )  # fmt: skip
    rows = EmailDelivery.objects.bulk_create(EmailDelivery(notification=n, created_at=now) for n in notifications)
    return sorted(row.pk for row in rows)


def test_a_big_chunk_goes_over_several_connections_and_each_message_once(smtp_server, settings):
    settings.NOTIFICATION_EMAIL_CHUNK = 1000
    ids = pending_deliveries(4 * delivery.LANE_MIN_MESSAGES + 3)
    assert email_deliveries_send(delivery_ids=ids) == len(ids)
    assert smtp_server.sessions == delivery.SMTP_LANES
    received = Counter(mail.rcpt_tos[0] for mail in smtp_server.messages)
    assert len(received) == len(ids)
    assert set(received.values()) == {1}
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_a_small_chunk_uses_one_connection(smtp_server, settings):
    settings.NOTIFICATION_EMAIL_CHUNK = 1000
    ids = pending_deliveries(2 * delivery.LANE_MIN_MESSAGES - 1)
    assert email_deliveries_send(delivery_ids=ids) == len(ids)
    assert smtp_server.sessions == 1


def test_two_runs_of_the_same_chunk_at_once_send_each_email_once(smtp_server, settings):
    """A redelivered task running beside the first: both read the same pending rows and deal them over
    their lanes; each row's claim lets exactly one lane of one run send it."""
    settings.NOTIFICATION_EMAIL_CHUNK = 1000
    ids = pending_deliveries(6 * delivery.LANE_MIN_MESSAGES)
    start = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        from django.db import connection

        try:
            start.wait()
            sent.append(email_deliveries_send(delivery_ids=ids))
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sum(sent) == len(ids)
    received = Counter(mail.rcpt_tos[0] for mail in smtp_server.messages)
    assert len(received) == len(ids)
    assert set(received.values()) == {1}
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_a_connection_lost_in_one_lane_leaves_one_row_in_doubt_and_the_rest_of_that_lane_pending(
    smtp_server, settings, monkeypatch
):
    import smtplib

    settings.NOTIFICATION_EMAIL_CHUNK = 1000
    ids = pending_deliveries(2 * delivery.LANE_MIN_MESSAGES)
    doomed = EmailDelivery.objects.select_related("notification__recipient").get(pk=ids[4])
    real_send = smtplib.SMTP.sendmail

    def drop_on_doomed(self, from_addr, to_addrs, msg, *args, **kwargs):
        if to_addrs == [doomed.notification.recipient.email]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, from_addr, to_addrs, msg, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", drop_on_doomed)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_deliveries_send(delivery_ids=ids)
    states = Counter(EmailDelivery.objects.values_list("state", flat=True))
    # Two lanes (even and odd rows); the even lane dies at its third row (ids[4]): two sent before it,
    # it in doubt, the lane's remaining rows pending; the odd lane sent all of its own.
    lane = len(ids) // 2
    assert states == {State.SENT: 2 + lane, State.SENDING: 1, State.PENDING: lane - 3}
    assert EmailDelivery.objects.get(pk=doomed.pk).state == State.SENDING
    assert len(smtp_server.messages) == 2 + lane
