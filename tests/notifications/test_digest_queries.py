"""Digests go to many users: a chunk costs a fixed number of queries whatever its size (claims,
users, subscriptions, notifications, each section once, the final states) plus exactly one per
email sent, the committed mark of its attempt that lets a dead worker's untried claims go back to
the next tick (notifications/digest.py, "Failures"); nothing else per user."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import Membership, Message, Space
from events.models import Event
from experts.models import Resource
from gcm.models import Objective
from notifications.digest import digests_send
from notifications.models import DigestDelivery, Notification, NotificationPreference, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC)
EARLIER = NOW - dt.timedelta(hours=3)


@pytest.fixture
def content(taxonomy):
    """Something in every section for objectives 9 and 10, public and private spaces."""
    author = UserFactory.create()
    spaces = []
    for key, visibility in (("9", "public"), ("9", "private"), ("10", "public")):
        space = Space.objects.create(
            slug=f"space-{key}-{visibility}",
            name=f"Space {key} {visibility}",
            objective=Objective.objects.get(key=key),
            visibility=visibility,
            last_seq=3,
        )
        Message.objects.bulk_create(Message(space=space, seq=n, author=author, created_at=EARLIER) for n in (1, 2, 3))
        spaces.append(space)
    for key in ("9", "10"):
        Resource.objects.create(
            kind="document", title=f"Guide {key}", objectives=[key], status="approved", decided_at=EARLIER
        )
        Event.objects.create(
            title=f"Talk {key}",
            objectives=[key],
            status="published",
            published_at=EARLIER,
            starts_at=NOW + dt.timedelta(days=2),
            ends_at=NOW + dt.timedelta(days=2, hours=1),
        )
    return spaces


def readers(count: int, spaces: list[Space]) -> list[int]:
    ids = []
    for n in range(count):
        user = UserFactory.create()
        NotificationPreference.objects.create(
            user=user,
            email=NotificationPreference.Email.DAILY_DIGEST,
            timezone=("UTC", "Europe/Paris", "Asia/Kolkata")[n % 3],
            digest_hour=0,
        )
        Subscription.objects.create(user=user, objectives=["9", "10"])
        Membership.objects.create(space=spaces[n % 2], user=user)  # half of them in the private space
        Notification.objects.bulk_create(
            Notification(recipient=user, kind="mention", title=f"Mention {k}", source_key=f"message:{k}")
            for k in range(3)
        )
        ids.append(user.pk)
    return ids


def queries_to_send(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as captured:
        sent = digests_send(user_ids=ids, now=NOW)
    assert sent == len(ids)
    return len(captured.captured_queries)


def test_a_chunk_costs_the_same_queries_whatever_its_size_but_one_per_email(content, smtp_server):
    small = queries_to_send(readers(4, content)) - 4
    large = queries_to_send(readers(40, content)) - 40
    assert small == large, (small, large)
    # Measured: 20 with the four sections registered today (7 claiming in a savepoint, users,
    # subscriptions, notifications, objectives, final states; resources 1, events 3, discussions 3,
    # open questions 1).
    assert large <= 30
    assert len(smtp_server.messages) == 44
    assert DigestDelivery.objects.filter(state=DigestDelivery.State.SENT).count() == 44
