"""The event pages, server-rendered and working without JavaScript: the list (filters, agenda, month) in
the viewer's zone, an event's page with RSVP and "Add to calendar", the organizers' pages, "My calendar"."""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from events.models import Event, Invitation, Rsvp, RsvpResponse, WaitlistEntry
from tests.events.factories import EventFactory, organizer_user
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

# Friday 4 December 2026, 10:00 in New York (15:00 UTC, 16:00 in Paris).
NEW_YORK_MORNING = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
DASH = "\N{EN DASH}"  # between a start and an end time


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def ny_event(**fields) -> Event:
    fields.setdefault("title", "Screening at borders")
    return EventFactory.create(starts_at=NEW_YORK_MORNING, ends_at=NEW_YORK_MORNING + dt.timedelta(hours=2),
                               timezone="America/New_York", **fields)  # fmt: skip


# --- The list ----------------------------------------------------------------------------------------


def test_the_navigation_links_to_events(db):
    response = Client().get("/")
    assert 'href="/events/"' in response.content.decode()


def test_agenda_groups_upcoming_events_by_day_in_the_viewers_zone(db):
    ny_event()
    EventFactory.create(title="Ended talk", starts_at=NOW - dt.timedelta(days=2), ends_at=NOW - dt.timedelta(days=1))
    EventFactory.create(title="Still a draft", status=Event.Status.DRAFT)
    page = Client().get("/events/")
    assert page.status_code == 200
    shown = text(page)
    assert "Screening at borders" in shown
    assert "Ended talk" not in shown and "Still a draft" not in shown
    assert "Friday 4 December 2026" in shown
    assert f"Fri 4 Dec 2026, 15:00 {DASH} 17:00 UTC" in shown  # no zone chosen: UTC
    assert "(Fri 4 Dec, 10:00 in America/New_York, where it is held)" in shown
    client = Client()
    client.cookies["hub_tz"] = "Europe/Paris"
    shown = text(client.get("/events/"))
    assert f"Fri 4 Dec 2026, 16:00 {DASH} 18:00 Europe/Paris" in shown
    assert "Times are shown in Europe/Paris." in shown


def test_an_unknown_zone_cookie_falls_back_to_utc(db):
    ny_event()
    client = Client()
    client.cookies["hub_tz"] = "Mars/Olympus_Mons"
    assert f"15:00 {DASH} 17:00 UTC" in text(client.get("/events/"))


def test_filters_by_objective_region_kind_and_time(db):
    ny_event(title="Objective nine training", objectives=["9"], regions=["africa"], kind=Event.Kind.TRAINING)
    ny_event(title="Objective ten talk", objectives=["10"], regions=["europe"], kind=Event.Kind.TALK)
    EventFactory.create(title="Past nine", objectives=["9"], starts_at=NOW - dt.timedelta(days=3),
                        ends_at=NOW - dt.timedelta(days=3) + dt.timedelta(hours=1))  # fmt: skip
    client = Client()
    assert [
        t for t in ("Objective nine training", "Objective ten talk") if t in text(client.get("/events/?objective=9"))
    ] == ["Objective nine training"]
    assert "Objective nine training" not in text(client.get("/events/?region=europe"))
    assert "Objective ten talk" in text(client.get("/events/?kind=talk"))
    assert "Objective nine training" not in text(client.get("/events/?kind=talk"))
    shown = text(client.get("/events/?objective=9&upcoming=false"))
    assert "Past nine" in shown and "Objective nine training" in shown
    # Unknown values count as unset: an old link still shows a page.
    assert client.get("/events/?objective=99&kind=party&page=x").status_code == 200


def test_month_view_places_events_on_their_day_in_the_viewers_zone(db):
    late = dt.datetime(2026, 12, 10, 23, 30, tzinfo=dt.UTC)  # 11 December in Tokyo
    EventFactory.create(title="Late call", starts_at=late, ends_at=late + dt.timedelta(hours=1), timezone="UTC")
    ny_event()
    response = Client().get("/events/?view=month&month=2026-12")
    assert response.status_code == 200
    body = response.content.decode()
    assert "December 2026" in text(response)
    assert re.search(
        r'datetime="2026-12-10">10</time></span>\s*<ul><li><time[^>]*>23:30</time> <a[^>]*>Late call', body
    )
    client = Client()
    client.cookies["hub_tz"] = "Asia/Tokyo"
    body = client.get("/events/?view=month&month=2026-12").content.decode()
    assert re.search(
        r'datetime="2026-12-11">11</time></span>\s*<ul><li><time[^>]*>08:30</time> <a[^>]*>Late call', body
    )
    # Links to the months around it, filters kept.
    response = Client().get("/events/?view=month&month=2026-12&objective=9")
    assert 'href="?view=month&amp;objective=9&amp;month=2026-11"' in response.content.decode()
    assert 'href="?view=month&amp;objective=9&amp;month=2027-01"' in response.content.decode()
    assert 'href="/events/?objective=9"' in response.content.decode()  # the agenda, same filter


def test_agenda_pages_keep_the_filters(db):
    for n in range(31):
        ny_event(title=f"Talk {n}", objectives=["9"], kind=Event.Kind.TALK)
    first = Client().get("/events/?objective=9&kind=talk&upcoming=false")
    body = first.content.decode()
    assert "Page 1 of 2" in text(first)
    assert 'href="?objective=9&amp;kind=talk&amp;upcoming=false&amp;page=2"' in body
    assert 'href="/events/?view=month&amp;objective=9&amp;kind=talk"' in body
    second = Client().get("/events/?objective=9&kind=talk&upcoming=false&page=2")
    assert "Page 2 of 2" in text(second)
    assert 'href="?objective=9&amp;kind=talk&amp;upcoming=false&amp;page=1"' in second.content.decode()


def test_month_view_without_a_month_shows_the_current_one(db):
    assert "November 2026" in text(Client().get("/events/?view=month&month=nonsense"))


def test_the_list_costs_the_same_queries_for_one_event_or_twenty(db, django_assert_num_queries):
    ny_event()
    client = Client()
    client.get("/events/")
    with django_assert_num_queries(4) as one:
        client.get("/events/")
    for n in range(19):
        ny_event(title=f"Event {n}", organizer=UserFactory.create())
    with django_assert_num_queries(len(one.captured_queries)):
        assert "Event 18" in text(client.get("/events/"))


# --- An event's page -----------------------------------------------------------------------------------


def test_event_page_shows_times_in_both_zones_and_calendar_links(db):
    event = ny_event(description="**Bring** questions. <script>alert(1)</script>")
    response = Client().get(f"/events/{event.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>Bring</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert f'href="/api/v1/events/{event.pk}/ics"' in body
    [google] = re.findall(r'href="(https://calendar\.google\.com/calendar/render\?[^"]+)"', body)
    params = parse_qs(urlsplit(google.replace("&amp;", "&")).query)
    assert params["dates"] == ["20261204T150000Z/20261204T170000Z"]
    assert params["ctz"] == ["America/New_York"]
    assert params["text"] == ["Screening at borders"]
    assert "Log in to answer." in text(response)


def test_drafts_are_404_for_others_and_shown_to_their_organizer(db):
    draft = EventFactory.create(status=Event.Status.DRAFT, organizer=organizer_user())
    assert Client().get(f"/events/{draft.pk}/").status_code == 404
    assert logged_in(UserFactory.create()).get(f"/events/{draft.pk}/").status_code == 404
    page = logged_in(draft.organizer).get(f"/events/{draft.pk}/")
    assert page.status_code == 200
    assert "Publish" in text(page)


def test_rsvp_yes_then_maybe_through_the_form(db):
    event = ny_event(capacity=10)
    bo = UserFactory.create()
    client = logged_in(bo)
    response = client.post(f"/events/{event.pk}/rsvp/", {"response": "yes"}, follow=True)
    assert "You are coming: your seat is saved." in text(response)
    assert "1 of 10 seats taken" in text(response)
    assert Rsvp.objects.get(user=bo).response == RsvpResponse.YES
    client.post(f"/events/{event.pk}/rsvp/", {"response": "maybe"})
    assert Rsvp.objects.get(user=bo).response == RsvpResponse.MAYBE


def test_a_full_event_offers_the_waiting_list_instead_of_yes(db):
    event = ny_event(capacity=1)
    Rsvp.objects.create(event=event, user=UserFactory.create(), response=RsvpResponse.YES)
    bo = UserFactory.create()
    client = logged_in(bo)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert 'value="yes"' not in page.split('id="rsvp-form"')[1].split("</form>")[0]
    assert "Join the waiting list" in page
    # A yes posted anyway is refused with 409 and nothing changes.
    refused = client.post(f"/events/{event.pk}/rsvp/", {"response": "yes"})
    assert refused.status_code == 409
    assert "This event is full." in text(refused)
    assert not Rsvp.objects.filter(user=bo).exists()
    joined = client.post(f"/events/{event.pk}/rsvp/", {"response": "yes", "waitlist": "on"}, follow=True)
    assert "you are on the waiting list" in text(joined)
    assert WaitlistEntry.objects.get(user=bo).state == WaitlistEntry.State.WAITING
    assert "You are on the waiting list (number 1)." in text(client.get(f"/events/{event.pk}/"))


def test_rsvp_needs_a_login(db):
    event = ny_event()
    response = Client().post(f"/events/{event.pk}/rsvp/", {"response": "yes"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Rsvp.objects.exists()


# --- Organizers' pages ---------------------------------------------------------------------------------


def test_an_organizer_creates_edits_and_publishes_an_event(db, django_capture_on_commit_callbacks):
    organizer = organizer_user()
    client = logged_in(organizer)
    assert client.get("/events/new/").status_code == 200
    form = {
        "title": "Training on screening", "kind": "training", "description": "", "timezone": "America/New_York",
        "starts_at": "2026-12-04T10:00", "ends_at": "2026-12-04T12:00", "location": "New York", "online_url": "",
        "capacity": "30", "objectives": ["9"], "regions": ["americas"],
    }  # fmt: skip
    created = client.post("/events/new/", form)
    assert created.status_code == 302
    event = Event.objects.get()
    assert created["Location"] == f"/events/{event.pk}/"
    assert (event.status, event.starts_at, event.timezone) == (Event.Status.DRAFT, NEW_YORK_MORNING, "America/New_York")
    assert (event.objectives, event.regions, event.capacity) == (["9"], ["americas"], 30)
    edit = client.get(f"/events/{event.pk}/edit/")
    assert 'value="2026-12-04T10:00"' in edit.content.decode()  # wall clock of the event's zone
    assert client.post(f"/events/{event.pk}/edit/", {**form, "title": "Training on screening, 2nd"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=False):
        published = client.post(f"/events/{event.pk}/publish/", follow=True)
    assert "The event is published" in text(published)
    event.refresh_from_db()
    assert (event.title, event.status) == ("Training on screening, 2nd", Event.Status.PUBLISHED)


def test_the_event_form_shows_the_apis_refusals_on_its_fields(db):
    client = logged_in(organizer_user())
    response = client.post("/events/new/", {
        "title": "Backwards", "kind": "talk", "timezone": "UTC", "starts_at": "2026-12-04T12:00",
        "ends_at": "2026-12-04T10:00", "location": "", "online_url": "",
    })  # fmt: skip
    assert response.status_code == 400
    shown = text(response)
    assert "The event must end after it starts." in shown
    assert "Give a location, an online link, or both." in shown
    assert not Event.objects.exists()


def test_only_organizers_reach_the_new_event_page(db):
    response = logged_in(UserFactory.create()).get("/events/new/", follow=True)
    assert "Only event organizers create events." in text(response)
    assert Client().get("/events/new/").status_code == 302  # to the login page


def test_others_cannot_edit_publish_invite_or_cancel(db):
    event = ny_event(organizer=organizer_user(), status=Event.Status.DRAFT, published_at=None)
    stranger = logged_in(organizer_user())
    for path in ("edit", "invite", "cancel"):
        assert stranger.get(f"/events/{event.pk}/{path}/").status_code == 404  # a draft: not theirs to see
    assert stranger.post(f"/events/{event.pk}/publish/").status_code == 404
    event.status, event.published_at = Event.Status.PUBLISHED, NOW
    event.save()
    response = stranger.post(f"/events/{event.pk}/cancel/", follow=True)
    assert "Only the event's organizer and staff" in text(response)
    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_the_organizer_invites_from_the_page_and_sees_the_answers(db, django_capture_on_commit_callbacks):
    event = ny_event(organizer=organizer_user())
    UserFactory.create(username="bo")
    client = logged_in(event.organizer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/events/{event.pk}/invite/",
                               {"usernames": "bo", "emails": "guest@partner.example,\nother@partner.example"},
                               follow=True)  # fmt: skip
    assert "3 invitations sent." in text(response)
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "bo@hub.example", "guest@partner.example", "other@partner.example",
    ]  # fmt: skip
    Invitation.objects.filter(email="guest@partner.example").update(response=RsvpResponse.YES)
    shown = text(client.get(f"/events/{event.pk}/invite/"))
    assert "3 invited" in shown and "guest@partner.example Yes" in shown
    with django_capture_on_commit_callbacks(execute=False):
        again = client.post(f"/events/{event.pk}/invite/", {"usernames": "bo, nobody"})
    assert again.status_code == 400
    assert "No such user: nobody." in text(again)
    assert Invitation.objects.count() == 3


def test_the_organizer_cancels_after_confirming(db, django_capture_on_commit_callbacks):
    event = ny_event(organizer=organizer_user())
    client = logged_in(event.organizer)
    assert "This cannot be undone." in text(client.get(f"/events/{event.pk}/cancel/"))
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/events/{event.pk}/cancel/", follow=True)
    assert "The event is cancelled" in text(response)
    assert Event.objects.get().status == Event.Status.CANCELLED
    assert "This event is cancelled." in text(Client().get(f"/events/{event.pk}/"))


# --- My calendar -----------------------------------------------------------------------------------


def test_my_calendar_shows_the_feed_url_and_the_events_i_come_to(db, settings):
    settings.SITE_URL = "https://hub.example.org"
    amina = UserFactory.create()
    coming = ny_event(title="Coming to this")
    ny_event(title="Not this")
    Rsvp.objects.create(event=coming, user=amina, response=RsvpResponse.YES)
    client = logged_in(amina)
    page = client.get("/events/my-calendar/")
    body = page.content.decode()
    [url] = re.findall(r'id="feed-url" value="([^"]+)"', body)
    assert url.startswith("https://hub.example.org/calendar/")
    assert "Coming to this" in text(page) and "Not this" not in text(page)
    assert Client().get(urlsplit(url).path).status_code == 200
    client.post("/events/my-calendar/reset/")
    assert Client().get(urlsplit(url).path).status_code == 404
