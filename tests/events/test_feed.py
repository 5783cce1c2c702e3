"""The personal calendar feed: its URL (made once, replaced by reset), what it holds, no login, and a
number of queries that does not grow with the events it holds."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from icalendar import Calendar

from events.models import CalendarFeed, Event, Invitation, Rsvp, RsvpResponse
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://hub.example.org"


def feed_path(client) -> str:
    response = client.get("/api/v1/me/calendar-feed/")
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("https://hub.example.org/calendar/") and url.endswith(".ics")
    return urlsplit(url).path


def uids(response) -> list[str]:
    calendar = Calendar.from_ical(response.content)
    assert isinstance(calendar, Calendar)
    return [str(event["UID"]) for event in calendar.events]


def say(user, event, response=RsvpResponse.YES) -> None:
    Rsvp.objects.create(event=event, user=user, response=response)


def test_the_feed_url_is_made_once_and_needs_no_login(site, as_user):
    amina = UserFactory.create(display_name="Amina Diallo")
    path = feed_path(as_user(amina))
    assert feed_path(as_user(amina)) == path
    assert CalendarFeed.objects.count() == 1
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Amina Diallo on the Migration Network Hub"


def test_reset_gives_a_new_url_and_the_old_one_stops_working(site, as_user):
    amina = UserFactory.create()
    client = as_user(amina)
    old = feed_path(client)
    response = client.post("/api/v1/me/calendar-feed/reset/")
    assert response.status_code == 200
    new = urlsplit(response.json()["url"]).path
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert feed_path(client) == new


def test_anonymous_callers_have_no_feed(api_client):
    assert api_client.get("/api/v1/me/calendar-feed/").status_code == 401
    assert api_client.post("/api/v1/me/calendar-feed/reset/").status_code == 401


def test_an_unknown_token_is_404(db):
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_the_feed_holds_yes_answers_and_accepted_invitations_only(site, as_user, time_machine):
    amina = UserFactory.create(email="amina@example.org")
    coming = EventFactory.create(title="coming")
    went = EventFactory.create(title="went")  # said yes to an event that is over: still in the calendar
    cancelled = EventFactory.create(title="cancelled")
    maybe = EventFactory.create(title="maybe")
    declined = EventFactory.create(title="declined")
    stranger = EventFactory.create(title="stranger")
    for event in (coming, went, cancelled):
        say(amina, event)
    say(amina, maybe, RsvpResponse.MAYBE)
    say(amina, declined, RsvpResponse.NO)
    say(UserFactory.create(), stranger)
    # Invited as a bare address before the account existed, accepted by link.
    by_link = EventFactory.create(title="by link")
    Invitation.objects.create(event=by_link, email="amina@example.org", response=RsvpResponse.YES)
    unanswered = EventFactory.create(title="unanswered")
    Invitation.objects.create(event=unanswered, email="amina@example.org", user=amina)
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED, sequence=1)
    Event.objects.filter(pk=went.pk).update(starts_at=went.starts_at - dt.timedelta(days=30),
                                            ends_at=went.ends_at - dt.timedelta(days=30))  # fmt: skip
    path = feed_path(as_user(amina))
    response = Client().get(path)
    assert sorted(uids(response)) == sorted(event.ical_uid for event in (coming, went, cancelled, by_link))
    calendar = Calendar.from_ical(response.content)
    statuses = {str(event["UID"]): str(event["STATUS"]) for event in calendar.events}
    assert statuses[cancelled.ical_uid] == "CANCELLED"
    assert statuses[coming.ical_uid] == "CONFIRMED"
    # An accepted invitation leaves the feed once the event is over (a yes RSVP stays).
    time_machine.move_to(by_link.ends_at + dt.timedelta(minutes=1))
    assert by_link.ical_uid not in uids(Client().get(path))


def test_a_draft_never_reaches_the_feed(site, as_user):
    amina = UserFactory.create()
    draft = EventFactory.create(status=Event.Status.DRAFT)
    say(amina, draft)
    assert uids(Client().get(feed_path(as_user(amina)))) == []


def test_a_deactivated_users_feed_is_gone(site, as_user):
    amina = UserFactory.create()
    path = feed_path(as_user(amina))
    amina.is_active = False
    amina.save()
    assert Client().get(path).status_code == 404


def test_reading_the_feed_costs_the_same_queries_for_one_event_or_twenty(site, as_user, django_assert_num_queries):
    amina = UserFactory.create()
    say(amina, EventFactory.create())
    path = feed_path(as_user(amina))
    client = Client()
    client.get(path)  # warm: the zone data, the URL resolver
    with django_assert_num_queries(2):
        assert len(uids(client.get(path))) == 1
    for _ in range(19):
        say(amina, EventFactory.create(organizer=UserFactory.create()))
    with django_assert_num_queries(2):
        assert len(uids(client.get(path))) == 20
