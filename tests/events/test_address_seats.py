"""An invited address without an account that answers yes by its signed link takes a seat, like an account:
under the event row lock and the same capacity rule, counted among the attendees, given back on no."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from events.invitation_links import invitation_rsvp_url
from events.models import Invitation, Rsvp, RsvpResponse, WaitlistEntry
from events.services import rsvp as rsvp_service
from events.services import waitlist as waitlist_service
from events.services.invitations import invitation_respond
from hub.errors import ErrorCode, HubError
from tests.events.conftest import client_of
from tests.events.factories import EventFactory
from tests.factories import UserFactory

YES, NO, MAYBE = RsvpResponse.YES, RsvpResponse.NO, RsvpResponse.MAYBE


def address_invitation(event, email: str = "guest@partner.example") -> Invitation:
    return Invitation.objects.create(event=event, email=email)


def answer(invitation: Invitation, response: RsvpResponse):
    return invitation_respond(invitation_id=invitation.pk, email=invitation.email, response=response)


def attendee_count(event, viewer) -> int:
    body = client_of(viewer).get(f"/api/v1/events/{event.pk}/").json()
    return int(body["attendee_count"])


@pytest.mark.django_db
def test_an_address_yes_takes_a_seat_and_counts_as_an_attendee(taxonomy):
    event = EventFactory.create(capacity=2)
    Rsvp.objects.create(event=event, user=UserFactory.create(), response=YES)
    answer(address_invitation(event), YES)
    assert waitlist_service.seats_taken(event, event.starts_at) == 2
    assert attendee_count(event, UserFactory.create()) == 2
    late = UserFactory.create()
    with pytest.raises(HubError) as refused:  # an account now finds the event full
        rsvp_service.rsvp_respond(event_id=event.pk, user=late, response=YES)
    assert refused.value.code == ErrorCode.EVENT_FULL


@pytest.mark.django_db
def test_an_address_yes_to_a_full_event_is_refused_409_and_changes_nothing(taxonomy):
    event = EventFactory.create(capacity=1)
    Rsvp.objects.create(event=event, user=UserFactory.create(), response=YES)
    invitation = address_invitation(event)
    with pytest.raises(HubError) as refused:
        answer(invitation, YES)
    assert refused.value.code == ErrorCode.EVENT_FULL
    invitation.refresh_from_db()
    assert (invitation.response, invitation.responded_at) == ("", None)
    assert attendee_count(event, UserFactory.create()) == 1
    answer(invitation, MAYBE)  # any other answer is still taken
    assert Invitation.objects.get(pk=invitation.pk).response == MAYBE


@pytest.mark.django_db
def test_the_answer_page_says_full_with_409_and_offers_no_waiting_list_to_an_address(settings, taxonomy):
    settings.SITE_URL = "https://hub.example.org"
    event = EventFactory.create(capacity=1)
    Rsvp.objects.create(event=event, user=UserFactory.create(), response=YES)
    invitation = address_invitation(event)
    path = invitation_rsvp_url(invitation).removeprefix(settings.SITE_URL)
    response = Client().post(path, {"response": "yes"})
    assert response.status_code == 409
    assert "full" in response.content.decode()
    assert "Join the waiting list" not in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).response == ""


@pytest.mark.django_db
def test_an_address_that_says_no_gives_its_seat_to_the_first_in_line(taxonomy):
    event = EventFactory.create(capacity=1)
    invitation = address_invitation(event)
    answer(invitation, YES)
    waiting = UserFactory.create()
    outcome = rsvp_service.rsvp_respond(event_id=event.pk, user=waiting, response=YES, waitlist=True)
    assert outcome.waitlisted
    answer(invitation, NO)
    assert WaitlistEntry.objects.get(event=event, user=waiting).state == WaitlistEntry.State.OFFERED
    assert attendee_count(event, waiting) == 0
    # The seat is held for the one offered it: the address's yes now finds the event full.
    with pytest.raises(HubError) as refused:
        answer(invitation, YES)
    assert refused.value.code == ErrorCode.EVENT_FULL


@pytest.mark.django_db
def test_answering_yes_twice_keeps_one_seat(taxonomy):
    event = EventFactory.create(capacity=1)
    invitation = address_invitation(event)
    answer(invitation, YES)
    answer(invitation, YES)  # the seat it holds: not full for itself
    assert waitlist_service.seats_taken(event, event.starts_at) == 1


@pytest.mark.django_db
def test_an_invited_accounts_yes_counts_once(taxonomy):
    """An invited account's answer is its RSVP; its invitation mirrors it and holds no second seat."""
    event = EventFactory.create(capacity=3)
    bo = UserFactory.create()
    invitation = Invitation.objects.create(event=event, email=bo.email, user=bo)
    answer(invitation, YES)
    assert waitlist_service.seats_taken(event, event.starts_at) == 1
    assert attendee_count(event, bo) == 1


# --- The race, on PostgreSQL -----------------------------------------------------------------------

PAUSE = 0.3


@pytest.fixture
def slow_seat_count(monkeypatch):
    """A pause after counting seats, so that both answers are inside the critical section at once:
    without the event row lock both would count a free seat."""
    count = waitlist_service.seats_taken

    def counted_slowly(event, now):
        taken = count(event, now)
        time.sleep(PAUSE)
        return taken

    monkeypatch.setattr(rsvp_service, "seats_taken", counted_slowly)


def race(event, account, invitation) -> list[str]:
    """The account (REST API) and the address (its link's service) answer yes at once: what each got."""
    start = threading.Barrier(2)

    def by_account() -> str:
        try:
            start.wait(timeout=10)
            response = client_of(account).post(f"/api/v1/events/{event.pk}/rsvp/", {"response": "yes"}, format="json")
            return "seat" if response.status_code == 200 else str(response.json()["code"])
        finally:
            connection.close()

    def by_address() -> str:
        try:
            start.wait(timeout=10)
            answer(invitation, YES)
            return "seat"
        except HubError as refusal:
            return str(refusal.code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(future.result() for future in [pool.submit(by_account), pool.submit(by_address)])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("slow_seat_count")
def test_an_account_and_an_address_racing_for_the_last_seat_exactly_one_wins(taxonomy):
    for round_ in range(3):
        event = EventFactory.create(capacity=2)
        Rsvp.objects.create(event=event, user=UserFactory.create(), response=YES)
        invitation = address_invitation(event, email=f"guest{round_}@partner.example")
        assert race(event, UserFactory.create(), invitation) == ["event_full", "seat"]
        seats = Rsvp.objects.filter(event=event, response=YES).count()
        seats += Invitation.objects.filter(event=event, user__isnull=True, response=YES).count()
        assert seats == 2
