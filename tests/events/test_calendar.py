"""iCalendar output parsed back with ``icalendar``: every property, the zone, the alarms, the methods, and
a moved event keeping its UID with a higher SEQUENCE; the ``.ics`` endpoint's visibility."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from events.calendar import event_ics, feed_ics
from events.models import Event
from events.services.events import event_cancel, event_update
from tests.events.factories import EventFactory, organizer_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
NEW_YORK_MORNING = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def parsed(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    return calendar


def vevent(data: bytes):
    [event] = parsed(data).events
    return event


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def event(frozen, settings):
    settings.SITE_URL = "https://hub.example.org"
    settings.DEFAULT_FROM_EMAIL = "Migration Network Hub <hub@hub.example.org>"
    organizer = organizer_user(username="amina", display_name="Amina Diallo")
    return EventFactory.create(
        title="Training: screening at borders",
        description="Protection-sensitive screening.\nBring your questions.",
        starts_at=NEW_YORK_MORNING,
        ends_at=NEW_YORK_MORNING + dt.timedelta(hours=2),
        timezone="America/New_York",
        location="UN Headquarters, New York",
        online_url="https://meet.example.org/screening",
        organizer=organizer,
        kind=Event.Kind.TRAINING,
    )


def test_invitation_has_every_property_an_rfc_5545_client_needs(event):
    calendar = parsed(event_ics(event, method="REQUEST", attendee_email="bo@example.org", attendee_name="Bo Li"))
    assert calendar["PRODID"] == "-//Migration Network Hub//Events//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.events
    assert vevent["UID"] == f"event-{event.pk}@hub.example.org" == event.ical_uid
    assert vevent["SEQUENCE"] == 0
    assert vevent.decoded("DTSTAMP") == NOW
    assert vevent["SUMMARY"] == "Training: screening at borders"
    assert "Protection-sensitive screening.\nBring your questions." in str(vevent["DESCRIPTION"])
    assert f"https://hub.example.org/events/{event.pk}/" in str(vevent["DESCRIPTION"])
    assert vevent["LOCATION"] == "UN Headquarters, New York"
    assert vevent["URL"] == "https://meet.example.org/screening"
    assert vevent["STATUS"] == "CONFIRMED"
    organizer = vevent["ORGANIZER"]
    assert organizer == "mailto:hub@hub.example.org"
    assert organizer.params["CN"] == "Amina Diallo"
    attendee = vevent["ATTENDEE"]
    assert attendee == "mailto:bo@example.org"
    assert attendee.params["CN"] == "Bo Li"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"


def test_times_carry_the_events_zone_with_its_vtimezone(event):
    data = event_ics(event)
    text = data.decode()
    assert "DTSTART;TZID=America/New_York:20261203T100000" in text
    assert "DTEND;TZID=America/New_York:20261203T120000" in text
    calendar = parsed(data)
    [zone] = calendar.timezones
    assert zone["TZID"] == "America/New_York"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    [vevent] = calendar.events
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    # The zone is defined, not merely named: the parsed time is the same instant in UTC.
    assert vevent.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)


def test_an_event_in_utc_needs_no_vtimezone(frozen):
    event = EventFactory.create(timezone="UTC", starts_at=NOW + dt.timedelta(days=3),
                                ends_at=NOW + dt.timedelta(days=3, hours=1))  # fmt: skip
    calendar = parsed(event_ics(event))
    assert calendar.timezones == []
    assert "DTSTART:20261105T090000Z" in event_ics(event).decode()


def test_two_display_alarms_a_day_and_an_hour_before(event):
    [vevent] = parsed(event_ics(event)).events
    alarms = vevent.walk("VALARM")
    assert [alarm["ACTION"] for alarm in alarms] == ["DISPLAY", "DISPLAY"]
    assert sorted(alarm.decoded("TRIGGER") for alarm in alarms) == [dt.timedelta(days=-1), dt.timedelta(hours=-1)]
    assert all(alarm["DESCRIPTION"] == event.title for alarm in alarms)


def test_download_is_publish_without_attendee(event):
    calendar = parsed(event_ics(event))
    assert calendar["METHOD"] == "PUBLISH"
    [vevent] = calendar.events
    assert "ATTENDEE" not in vevent


def test_request_and_cancel_must_name_their_attendee(event):
    with pytest.raises(ValueError, match="attendee"):
        event_ics(event, method="REQUEST")


def test_a_moved_event_keeps_its_uid_with_a_higher_sequence(event, django_capture_on_commit_callbacks):
    before = vevent(event_ics(event, method="REQUEST", attendee_email="bo@example.org"))
    later = {
        "starts_at": NEW_YORK_MORNING + dt.timedelta(days=1),
        "ends_at": NEW_YORK_MORNING + dt.timedelta(days=1, hours=2),
    }
    with django_capture_on_commit_callbacks(execute=False):
        moved = event_update(event.pk, by=event.organizer, changes=later)
    after = vevent(event_ics(moved, method="REQUEST", attendee_email="bo@example.org"))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + dt.timedelta(days=1)


def test_cancelled_event_is_method_cancel_status_cancelled_without_alarms(event, django_capture_on_commit_callbacks):
    published_sequence = event.sequence
    with django_capture_on_commit_callbacks(execute=False):
        cancelled = event_cancel(event.pk, by=event.organizer)
    calendar = parsed(event_ics(cancelled, method="CANCEL", attendee_email="bo@example.org"))
    assert calendar["METHOD"] == "CANCEL"
    [vevent] = calendar.events
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["UID"] == event.ical_uid
    assert vevent["SEQUENCE"] > published_sequence
    assert vevent.walk("VALARM") == []
    # In a feed (PUBLISH) too, a cancelled event says so.
    assert vevent_in_feed(cancelled)["STATUS"] == "CANCELLED"


def vevent_in_feed(event):
    [vevent] = parsed(feed_ics([event])).events
    return vevent


def test_a_draft_is_tentative(frozen):
    draft = EventFactory.create(status=Event.Status.DRAFT)
    assert vevent(event_ics(draft))["STATUS"] == "TENTATIVE"


def test_feed_holds_each_event_with_one_vtimezone_per_zone(frozen, settings):
    settings.SITE_URL = "https://hub.example.org"
    events = [
        EventFactory.create(timezone="Europe/Paris"),
        EventFactory.create(timezone="Europe/Paris"),
        EventFactory.create(timezone="Asia/Bangkok"),
    ]
    calendar = parsed(feed_ics(events, name="Amina on the Hub"))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Amina on the Hub"
    assert sorted(str(zone["TZID"]) for zone in calendar.timezones) == ["Asia/Bangkok", "Europe/Paris"]
    assert [vevent["UID"] for vevent in calendar.events] == [event.ical_uid for event in events]


def test_an_event_without_a_place_gives_its_online_link_as_location(frozen):
    event = EventFactory.create(location="", online_url="https://meet.example.org/x")
    assert vevent(event_ics(event))["LOCATION"] == "https://meet.example.org/x"


# --- GET /api/v1/events/{id}/ics ------------------------------------------------------------------


def test_ics_endpoint_answers_text_calendar_to_anyone_for_a_published_event(api_client, frozen):
    event = EventFactory.create()
    response = api_client.get(f"/api/v1/events/{event.pk}/ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert vevent(response.content)["UID"] == event.ical_uid


def test_ics_endpoint_serves_calendar_clients_that_ask_for_text_calendar(api_client, frozen):
    event = EventFactory.create()
    response = api_client.get(f"/api/v1/events/{event.pk}/ics", HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert vevent(response.content)["UID"] == event.ical_uid


def test_ics_of_a_draft_is_for_its_organizer_and_staff_only(api_client, as_user, frozen):
    draft = EventFactory.create(status=Event.Status.DRAFT)
    path = f"/api/v1/events/{draft.pk}/ics"
    assert api_client.get(path).status_code == 404
    assert as_user(UserFactory.create()).get(path).status_code == 404
    assert as_user(draft.organizer).get(path).status_code == 200
    assert as_user(UserFactory.create(is_staff=True)).get(path).status_code == 200


def test_ics_of_a_missing_event_is_404(api_client):
    response = api_client.get("/api/v1/events/999999/ics")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
