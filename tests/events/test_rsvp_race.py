"""Two people racing for the last seat on PostgreSQL: exactly one gets it, the other 409 ``event_full``.

Each answers from a thread of its own (its own database connection), released together by a
barrier. The seat count is slowed down (a pause after counting) so that both requests are inside
the critical section at once: without the event row lock both count a free seat and both get
it; with it, the second counts after the first committed.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.models import Rsvp, WaitlistEntry
from events.services import rsvp as rsvp_service
from events.services import waitlist as waitlist_service
from tests.events.conftest import client_of
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PAUSE = 0.3


@pytest.fixture
def slow_seat_count(monkeypatch):
    count = waitlist_service.seats_taken

    def counted_slowly(event, now):
        taken = count(event, now)
        time.sleep(PAUSE)
        return taken

    monkeypatch.setattr(rsvp_service, "seats_taken", counted_slowly)


def race(event, people, **extra) -> list[tuple[int, str]]:
    """Each person answers yes at once through the REST API: (status, code or response) each, sorted."""
    start = threading.Barrier(len(people))
    clients = [client_of(person) for person in people]

    def yes(client) -> tuple[int, str]:
        try:
            start.wait(timeout=10)
            response = client.post(f"/api/v1/events/{event.pk}/rsvp/", {"response": "yes", **extra}, format="json")
            body = response.json()
            return response.status_code, body.get("code") or body.get("response")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return sorted(pool.map(yes, clients))


@pytest.mark.usefixtures("slow_seat_count")
def test_two_people_racing_for_the_last_seat_one_gets_it_the_other_409(taxonomy):
    for _round in range(3):
        event = EventFactory.create(capacity=2)
        Rsvp.objects.create(event=event, user=UserFactory.create(), response="yes")
        racers = UserFactory.create_batch(2)

        assert race(event, racers) == [(200, "yes"), (409, "event_full")]
        assert Rsvp.objects.filter(event=event, response="yes").count() == 2


@pytest.mark.usefixtures("slow_seat_count")
def test_racing_with_the_waiting_list_one_seat_and_one_place_in_line(taxonomy):
    event = EventFactory.create(capacity=1)
    racers = UserFactory.create_batch(2)

    assert race(event, racers, waitlist=True) == [(200, "yes"), (202, None)]
    assert Rsvp.objects.filter(event=event, response="yes").count() == 1
    assert WaitlistEntry.objects.filter(event=event, state="waiting").count() == 1


def test_many_racing_for_few_seats_never_overbook(taxonomy):
    event = EventFactory.create(capacity=3)
    racers = UserFactory.create_batch(8)

    outcomes = race(event, racers)

    assert outcomes.count((200, "yes")) == 3
    assert outcomes.count((409, "event_full")) == 5
    assert Rsvp.objects.filter(event=event, response="yes").count() == 3
