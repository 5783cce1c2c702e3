"""Answering events: yes, no, maybe; capacity; which events take answers; the caller's own answer."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, Invitation, Rsvp, WaitlistEntry
from tests.events.conftest import client_of
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def answer(user, event, response: str, **extra):
    return client_of(user).post(f"/api/v1/events/{event.pk}/rsvp/", {"response": response, **extra}, format="json")


def test_yes_no_and_maybe_are_recorded_and_counted():
    event = EventFactory.create(capacity=10)
    amina, kwame = UserFactory.create_batch(2)

    first = answer(amina, event, "yes")
    assert first.status_code == 200, first.content
    assert first.json() == first.json() | {"event": event.pk, "response": "yes", "attendee_count": 1, "seats_left": 9}
    assert first.json()["waitlist"] is None
    assert answer(kwame, event, "maybe").json()["attendee_count"] == 1
    assert answer(amina, event, "no").json()["attendee_count"] == 0
    assert dict(Rsvp.objects.filter(event=event).values_list("user__username", "response")) == {
        amina.username: "no", kwame.username: "maybe",
    }  # fmt: skip


def test_the_event_payload_shows_the_callers_answer_and_the_attendee_count(api_client):
    event = EventFactory.create(capacity=5)
    amina = UserFactory.create()
    answer(amina, event, "yes")

    mine = client_of(amina).get(f"/api/v1/events/{event.pk}/").json()
    anonymous = api_client.get(f"/api/v1/events/{event.pk}/").json()

    assert (mine["my_rsvp"], mine["attendee_count"], mine["seats_left"]) == ("yes", 1, 4)
    assert (anonymous["my_rsvp"], anonymous["attendee_count"]) == (None, 1)


def test_get_rsvp_is_the_callers_own_answer():
    event = EventFactory.create()
    amina = UserFactory.create()
    url = f"/api/v1/events/{event.pk}/rsvp/"

    assert client_of(amina).get(url).json()["response"] is None
    answer(amina, event, "maybe")
    body = client_of(amina).get(url).json()
    assert body["response"] == "maybe" and body["updated_at"] is not None
    assert client_of(UserFactory.create()).get(url).json()["response"] is None


def test_answering_again_the_same_changes_nothing():
    event = EventFactory.create(capacity=1)
    amina = UserFactory.create()
    answer(amina, event, "yes")
    before = list(Rsvp.objects.values_list())

    again = answer(amina, event, "yes")

    assert again.status_code == 200
    assert list(Rsvp.objects.values_list()) == before


def test_a_full_event_refuses_a_yes_with_409_event_full_and_changes_nothing():
    event = EventFactory.create(capacity=1)
    amina, kwame = UserFactory.create_batch(2)
    answer(amina, event, "yes")
    answer(kwame, event, "maybe")

    response = answer(kwame, event, "yes")

    assert response.status_code == 409
    assert response.json()["code"] == "event_full"
    assert Rsvp.objects.get(event=event, user=kwame).response == "maybe"
    assert not WaitlistEntry.objects.exists()
    # A no or maybe is always possible; a freed seat is free.
    assert answer(kwame, event, "no").status_code == 200
    assert answer(amina, event, "maybe").status_code == 200
    assert answer(kwame, event, "yes").status_code == 200


def test_an_event_without_capacity_takes_every_yes():
    event = EventFactory.create(capacity=None)
    for person in UserFactory.create_batch(5):
        assert answer(person, event, "yes").status_code == 200
    body = client_of(UserFactory.create()).get(f"/api/v1/events/{event.pk}/").json()
    assert (body["attendee_count"], body["seats_left"]) == (5, None)


@pytest.mark.parametrize("response", ["yes", "no", "maybe"])
def test_cancelled_and_ended_events_take_no_answers(response):
    cancelled = EventFactory.create(status=Event.Status.CANCELLED)
    now = timezone.now()
    ended = EventFactory.create(starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1))
    amina = UserFactory.create()

    for event in (cancelled, ended):
        refused = answer(amina, event, response)
        assert refused.status_code == 409
        assert refused.json()["code"] == "conflict"
    assert not Rsvp.objects.exists()


def test_an_event_under_way_still_takes_answers():
    now = timezone.now()
    event = EventFactory.create(starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=1))
    assert answer(UserFactory.create(), event, "yes").status_code == 200


def test_a_draft_is_404_to_answer_and_409_for_its_own_organizer(organizer):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)

    assert answer(UserFactory.create(), draft, "yes").status_code == 404
    assert client_of(UserFactory.create()).get(f"/api/v1/events/{draft.pk}/rsvp/").status_code == 404
    own = answer(organizer, draft, "yes")
    assert own.status_code == 409
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize("body", [{}, {"response": "perhaps"}, {"response": "yes", "waitlist": "often"}])
def test_a_bad_answer_is_400_and_changes_nothing(body):
    event = EventFactory.create()
    response = client_of(UserFactory.create()).post(f"/api/v1/events/{event.pk}/rsvp/", body, format="json")
    assert response.status_code == 400
    assert not Rsvp.objects.exists()


def test_answering_needs_an_account(api_client):
    event = EventFactory.create()
    assert api_client.post(f"/api/v1/events/{event.pk}/rsvp/", {"response": "yes"}, format="json").status_code == 401
    assert api_client.get(f"/api/v1/events/{event.pk}/rsvp/").status_code == 401


def test_an_invited_users_answer_is_recorded_on_their_invitation():
    event = EventFactory.create()
    amina = UserFactory.create()
    invitation = Invitation.objects.create(event=event, user=amina, email=amina.email)

    answer(amina, event, "maybe")

    invitation.refresh_from_db()
    assert invitation.response == "maybe"
    assert invitation.responded_at is not None
