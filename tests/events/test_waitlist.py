"""The waiting list: a place in line when full (202), a freed seat offered to the first in line and held
for them, taken by answering yes, passed on when the hold runs out (beat, or the next answer)."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, Rsvp, WaitlistEntry
from events.tasks_waitlist import expire_seat_offers
from notifications.models import Notification
from tests.events.conftest import client_of
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

NOON = dt.datetime(2031, 3, 3, 12, 0, tzinfo=dt.UTC)
HOLD = dt.timedelta(hours=48)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


def answer(user, event, response: str, **extra):
    return client_of(user).post(f"/api/v1/events/{event.pk}/rsvp/", {"response": response, **extra}, format="json")


def entry_of(user, event) -> WaitlistEntry:
    return WaitlistEntry.objects.get(event=event, user=user)


def offers_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, source_key__startswith="event-seat-offer:"))


def full_event(capacity: int = 1, **fields) -> tuple[Event, list]:
    """An event a week after NOON whose seats are all taken by yes answers."""
    fields.setdefault("starts_at", NOON + dt.timedelta(days=7))
    fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=2))
    event = EventFactory.create(capacity=capacity, **fields)
    attendees = UserFactory.create_batch(capacity)
    for person in attendees:
        Rsvp.objects.create(event=event, user=person, response="yes")
    return event, attendees


def test_a_yes_to_a_full_event_with_waitlist_is_a_place_in_line(frozen):
    event, _attendees = full_event()
    first, second = UserFactory.create_batch(2)

    response = answer(first, event, "yes", waitlist=True)
    assert response.status_code == 202, response.content
    assert response.json()["response"] is None
    assert response.json()["waitlist"] == {
        "state": "waiting", "position": 1, "joined_at": "2031-03-03T12:00:00Z", "offered_at": None,
        "offer_expires_at": None,
    }  # fmt: skip
    frozen.shift(dt.timedelta(minutes=1))
    assert answer(second, event, "yes", waitlist=True).json()["waitlist"]["position"] == 2
    # Asking again keeps one's place.
    frozen.shift(dt.timedelta(minutes=1))
    again = answer(first, event, "yes", waitlist=True)
    assert (again.status_code, again.json()["waitlist"]["position"]) == (202, 1)
    body = client_of(second).get(f"/api/v1/events/{event.pk}/").json()
    assert (body["waitlist_count"], body["seats_left"], body["attendee_count"]) == (2, 0, 1)
    assert client_of(second).get(f"/api/v1/events/{event.pk}/rsvp/").json()["waitlist"]["position"] == 2


def test_a_freed_seat_is_offered_to_the_first_in_line_and_held_for_them(frozen):
    event, (attendee,) = full_event()
    first, second, latecomer = UserFactory.create_batch(3)
    answer(first, event, "yes", waitlist=True)
    frozen.shift(dt.timedelta(minutes=1))
    answer(second, event, "yes", waitlist=True)
    frozen.shift(dt.timedelta(hours=1))

    assert answer(attendee, event, "no").status_code == 200

    offered = entry_of(first, event)
    assert offered.state == WaitlistEntry.State.OFFERED
    assert offered.offered_at == timezone.now()
    assert offered.offer_expires_at == timezone.now() + HOLD
    (notification,) = offers_to(first)
    assert notification.kind == Notification.Kind.EVENT_ANNOUNCEMENT
    assert notification.url == f"/events/{event.pk}/"
    assert event.title in notification.title
    assert offers_to(second) == []
    # The held seat counts as taken: nobody else answers yes into it.
    refused = answer(latecomer, event, "yes")
    assert (refused.status_code, refused.json()["code"]) == (409, "event_full")
    assert client_of(latecomer).get(f"/api/v1/events/{event.pk}/").json()["seats_left"] == 0
    assert client_of(second).get(f"/api/v1/events/{event.pk}/rsvp/").json()["waitlist"]["position"] == 1


def test_answering_yes_within_the_hold_takes_the_seat(frozen):
    event, (attendee,) = full_event()
    first = UserFactory.create()
    answer(first, event, "yes", waitlist=True)
    answer(attendee, event, "maybe")
    frozen.shift(HOLD - dt.timedelta(minutes=1))

    response = answer(first, event, "yes")

    assert response.status_code == 200, response.content
    assert response.json()["response"] == "yes"
    assert response.json()["waitlist"]["state"] == "accepted"
    assert response.json()["attendee_count"] == 1
    assert expire_seat_offers() == 0


def test_an_offer_that_runs_out_passes_to_the_next_in_line_by_beat(frozen):
    event, (attendee,) = full_event()
    first, second = UserFactory.create_batch(2)
    answer(first, event, "yes", waitlist=True)
    frozen.shift(dt.timedelta(minutes=1))
    answer(second, event, "yes", waitlist=True)
    answer(attendee, event, "no")

    frozen.shift(HOLD - dt.timedelta(seconds=1))
    assert expire_seat_offers() == 0
    assert entry_of(first, event).state == WaitlistEntry.State.OFFERED
    frozen.shift(dt.timedelta(seconds=1))
    assert expire_seat_offers() == 1

    assert entry_of(first, event).state == WaitlistEntry.State.EXPIRED
    passed_on = entry_of(second, event)
    assert passed_on.state == WaitlistEntry.State.OFFERED
    assert passed_on.offer_expires_at == timezone.now() + HOLD
    assert len(offers_to(second)) == 1
    # Another tick (or a second beat running at once) changes nothing and tells no one again.
    assert expire_seat_offers() == 0
    assert len(offers_to(second)) == 1
    # Too late: the seat is the next person's now.
    late = answer(first, event, "yes")
    assert (late.status_code, late.json()["code"]) == (409, "event_full")


def test_an_answer_after_an_offer_ran_out_passes_it_on_before_counting_seats(frozen):
    event, (attendee,) = full_event()
    first, second, latecomer = UserFactory.create_batch(3)
    answer(first, event, "yes", waitlist=True)
    frozen.shift(dt.timedelta(minutes=1))
    answer(second, event, "yes", waitlist=True)
    answer(attendee, event, "no")
    frozen.shift(HOLD + dt.timedelta(minutes=5))  # beat has not run

    refused = answer(latecomer, event, "yes")

    assert refused.status_code == 409
    assert entry_of(first, event).state == WaitlistEntry.State.EXPIRED
    assert entry_of(second, event).state == WaitlistEntry.State.OFFERED


def test_the_last_in_line_whose_offer_runs_out_frees_the_seat(frozen):
    event, (attendee,) = full_event()
    first, latecomer = UserFactory.create_batch(2)
    answer(first, event, "yes", waitlist=True)
    answer(attendee, event, "no")
    frozen.shift(HOLD)

    assert expire_seat_offers() == 1
    assert answer(latecomer, event, "yes").status_code == 200


def test_someone_whose_offer_ran_out_joins_again_at_the_end(frozen):
    event, (attendee,) = full_event()
    first, second = UserFactory.create_batch(2)
    answer(first, event, "yes", waitlist=True)
    frozen.shift(dt.timedelta(minutes=1))
    answer(second, event, "yes", waitlist=True)
    answer(attendee, event, "no")
    frozen.shift(HOLD)
    expire_seat_offers()

    rejoined = answer(first, event, "yes", waitlist=True)

    assert rejoined.status_code == 202
    assert rejoined.json()["waitlist"]["state"] == "waiting"
    assert rejoined.json()["waitlist"]["position"] == 1  # the second holds the offer, so first waits first


def test_raising_the_capacity_offers_the_new_seats_in_order(frozen, organizer, event_hooks):
    event, _attendees = full_event(capacity=1, organizer=organizer)
    waiting = UserFactory.create_batch(3)
    for index, person in enumerate(waiting):
        frozen.shift(dt.timedelta(minutes=index))
        answer(person, event, "yes", waitlist=True)

    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"capacity": 3}, format="json")

    assert response.status_code == 200, response.content
    states = [entry_of(person, event).state for person in waiting]
    assert states == ["offered", "offered", "waiting"]
    assert response.json()["seats_left"] == 0
    client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"capacity": None}, format="json")
    assert entry_of(waiting[2], event).state == "offered"


def test_leaving_the_list_and_declining_an_offer(frozen):
    event, (attendee,) = full_event()
    first, second, third = UserFactory.create_batch(3)
    for index, person in enumerate((first, second, third)):
        frozen.shift(dt.timedelta(minutes=index))
        answer(person, event, "yes", waitlist=True)

    answer(second, event, "no")  # leaves the list
    assert entry_of(second, event).state == WaitlistEntry.State.LEFT
    assert client_of(third).get(f"/api/v1/events/{event.pk}/rsvp/").json()["waitlist"]["position"] == 2

    answer(attendee, event, "no")
    assert entry_of(first, event).state == WaitlistEntry.State.OFFERED
    answer(first, event, "maybe")  # declines: the seat passes on at once
    assert entry_of(first, event).state == WaitlistEntry.State.LEFT
    assert entry_of(third, event).state == WaitlistEntry.State.OFFERED


def test_an_offer_is_never_held_past_the_events_end(frozen):
    event, (attendee,) = full_event(starts_at=NOON + dt.timedelta(hours=3), ends_at=NOON + dt.timedelta(hours=5))
    first = UserFactory.create()
    answer(first, event, "yes", waitlist=True)

    answer(attendee, event, "no")

    assert entry_of(first, event).offer_expires_at == event.ends_at


def test_the_hold_follows_the_setting(frozen, settings):
    settings.EVENT_SEAT_OFFER_HOURS = 2
    event, (attendee,) = full_event()
    first = UserFactory.create()
    answer(first, event, "yes", waitlist=True)
    answer(attendee, event, "no")

    assert entry_of(first, event).offer_expires_at == NOON + dt.timedelta(hours=2)


def test_a_cancelled_event_offers_nothing_more(frozen, organizer, event_hooks):
    event, (attendee,) = full_event(organizer=organizer)
    first, second = UserFactory.create_batch(2)
    answer(first, event, "yes", waitlist=True)
    answer(second, event, "yes", waitlist=True)
    answer(attendee, event, "no")
    client_of(organizer).post(f"/api/v1/events/{event.pk}/cancel/")
    frozen.shift(HOLD)

    assert expire_seat_offers() == 1

    assert entry_of(first, event).state == WaitlistEntry.State.EXPIRED
    assert entry_of(second, event).state == WaitlistEntry.State.WAITING
    assert offers_to(second) == []


def test_the_waitlist_flag_on_an_event_with_free_seats_is_just_a_yes(frozen):
    event, _attendees = full_event(capacity=2)
    Rsvp.objects.filter(event=event).delete()
    person = UserFactory.create()

    response = answer(person, event, "yes", waitlist=True)

    assert response.status_code == 200
    assert response.json()["response"] == "yes"
    assert not WaitlistEntry.objects.exists()


def test_beat_runs_the_expiry_every_minute_and_workers_know_the_task(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["expire-event-seat-offers"]
    assert entry["schedule"] <= 60
    assert entry["task"] == expire_seat_offers.name
    assert entry["task"] in app.tasks
