"""The events REST API: create, read, change, publish, cancel; who may do what; bad input changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events.models import Event, OrganizerGrant
from tests.events.conftest import client_of
from tests.events.factories import EventFactory, organizer_user
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

CONTRACT_FIELDS = {
    "id", "title", "kind", "description", "objectives", "regions", "starts_at", "ends_at", "timezone", "location",
    "online_url", "capacity", "organizer", "status", "attendee_count",
}  # fmt: skip


def later(days: int = 10, hours: int = 0) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(days=days, hours=hours)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def new_event(**overrides):
    body = {
        "title": "Training on fair recruitment",
        "kind": "training",
        "description": "Two hours on **ethical recruitment**.",
        "objectives": ["6", "general"],
        "regions": ["africa"],
        "starts_at": iso(later()),
        "ends_at": iso(later(hours=2)),
        "timezone": "Africa/Nairobi",
        "location": "Nairobi",
        "online_url": "https://meet.example.org/x",
        "capacity": 30,
    }
    body.update(overrides)
    return body


def snapshot() -> list[tuple]:
    return list(Event.objects.order_by("pk").values_list())


# --- creating ---------------------------------------------------------------------------------


def test_an_organizer_creates_a_draft_with_the_contract_fields(organizer):
    response = client_of(organizer).post("/api/v1/events/", new_event(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["status"] == "draft"
    assert body["organizer"] == organizer.username
    assert body["objectives"] == ["6", "general"]
    assert body["attendee_count"] == 0
    assert body["seats_left"] == 30
    assert body["sequence"] == 0
    assert body["url"] == f"/events/{body['id']}/"
    assert body["starts_at"].endswith("Z")
    event = Event.objects.get(pk=body["id"])
    assert (event.kind, event.timezone, event.capacity) == (Event.Kind.TRAINING, "Africa/Nairobi", 30)


def test_staff_organize_without_a_grant(staff_user):
    response = client_of(staff_user).post("/api/v1/events/", new_event(), format="json")
    assert response.status_code == 201


def test_a_time_without_an_offset_is_wall_clock_time_in_the_events_zone(organizer):
    day = (timezone.now() + dt.timedelta(days=30)).date()
    body = new_event(starts_at=f"{day}T10:00:00", ends_at=f"{day}T12:30:00", timezone="Europe/Paris")

    response = client_of(organizer).post("/api/v1/events/", body, format="json")

    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    local = event.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)
    assert event.ends_at - event.starts_at == dt.timedelta(hours=2, minutes=30)


def test_a_user_who_is_not_an_organizer_cannot_create_events(user):
    response = client_of(user).post("/api/v1/events/", new_event(), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Event.objects.exists()


def test_anonymous_callers_cannot_create_events(api_client):
    assert api_client.post("/api/v1/events/", new_event(), format="json").status_code == 401
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"kind": "party"}, "kind"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "europe/paris "}, "timezone"),
        ({"ends_at": iso(later(hours=-1))}, "ends_at"),
        ({"ends_at": iso(later())}, "ends_at"),
        ({"starts_at": iso(later(days=-1)), "ends_at": iso(later(days=-1, hours=2))}, "starts_at"),
        ({"location": "", "online_url": ""}, "location"),
        ({"online_url": "ftp://files.example.org/x"}, "online_url"),
        ({"online_url": "not a link"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -5}, "capacity"),
        ({"objectives": ["24"]}, "objectives"),
        ({"regions": ["atlantis"]}, "regions"),
        ({"starts_at": "next tuesday"}, "starts_at"),
    ],
)
def test_bad_input_is_400_per_field_and_creates_nothing(organizer, overrides, field):
    response = client_of(organizer).post("/api/v1/events/", new_event(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Event.objects.exists()


def test_a_title_and_both_times_are_required(organizer):
    response = client_of(organizer).post("/api/v1/events/", {"location": "Nairobi"}, format="json")

    assert response.status_code == 400
    assert {"title", "starts_at", "ends_at"} <= set(response.json())


# --- reading ----------------------------------------------------------------------------------


def test_the_list_shows_published_events_to_everyone_and_drafts_to_their_organizer_and_staff(
    api_client, organizer, staff_user
):
    published = EventFactory.create(organizer=organizer)
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    other_draft = EventFactory.create(organizer=organizer_user(), status=Event.Status.DRAFT)
    cancelled = EventFactory.create(organizer=organizer, status=Event.Status.CANCELLED)

    def ids(client) -> set[int]:
        response = client.get("/api/v1/events/")
        assert response.status_code == 200
        return {item["id"] for item in response.json()["results"]}

    assert ids(api_client) == {published.pk}
    assert ids(client_of(UserFactory.create())) == {published.pk}
    assert ids(client_of(organizer)) == {published.pk, draft.pk, cancelled.pk}
    assert ids(client_of(staff_user)) == {published.pk, draft.pk, other_draft.pk, cancelled.pk}


def test_the_list_filters_by_objective_region_kind_and_upcoming(api_client):
    talk = EventFactory.create(kind="talk", objectives=["9"], regions=["asia"])
    training = EventFactory.create(kind="training", objectives=["6", "9"], regions=["africa"])
    webinar = EventFactory.create(kind="webinar", objectives=["10"], regions=["europe"])
    past = EventFactory.create(kind="talk", objectives=["9"], starts_at=later(days=-3), ends_at=later(days=-3, hours=1))

    def ids(query: str) -> list[int]:
        response = api_client.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert set(ids("objective=9")) == {talk.pk, training.pk, past.pk}
    assert set(ids("objective=9&objective=10")) == {talk.pk, training.pk, webinar.pk, past.pk}
    assert set(ids("region=africa&region=europe")) == {training.pk, webinar.pk, past.pk}
    assert set(ids("kind=talk")) == {talk.pk, past.pk}
    assert set(ids("objective=9&kind=talk&upcoming=true")) == {talk.pk}
    # Upcoming: soonest first; otherwise the latest start first.
    upcoming = ids("upcoming=true")
    assert past.pk not in upcoming
    assert upcoming == sorted(upcoming, key=lambda pk: (Event.objects.get(pk=pk).starts_at, pk))
    everything = ids("")
    assert everything[-1] == past.pk


@pytest.mark.parametrize("query", ["objective=99", "region=mars", "kind=party", "upcoming=perhaps", "status=gone"])
def test_bad_filters_are_400(api_client, query):
    response = api_client.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400


def test_the_list_is_paginated(api_client):
    EventFactory.create_batch(5)

    first = api_client.get("/api/v1/events/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    assert api_client.get("/api/v1/events/?page=9").status_code == 404


def test_a_draft_is_404_for_others_and_readable_by_its_organizer_and_staff(api_client, organizer, staff_user):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    url = f"/api/v1/events/{draft.pk}/"

    assert api_client.get(url).status_code == 404
    assert client_of(UserFactory.create()).get(url).status_code == 404
    assert client_of(organizer_user()).get(url).status_code == 404
    assert client_of(organizer).get(url).json()["status"] == "draft"
    assert client_of(staff_user).get(url).status_code == 200


def test_a_cancelled_event_that_was_published_stays_readable(api_client):
    event = EventFactory.create(status=Event.Status.CANCELLED)
    response = api_client.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_an_unknown_event_is_404(api_client):
    response = api_client.get("/api/v1/events/987654/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- changing ---------------------------------------------------------------------------------


def test_the_organizer_changes_a_draft_without_growing_its_sequence(organizer, event_hooks):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)

    response = client_of(organizer).patch(
        f"/api/v1/events/{draft.pk}/", {"title": "New title", "starts_at": iso(later(days=20)),
                                        "ends_at": iso(later(days=20, hours=1))}, format="json"
    )  # fmt: skip

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    assert response.json()["sequence"] == 0
    assert event_hooks.calls == []


def test_moving_a_published_event_grows_its_sequence_and_tells_its_attendees(organizer, event_hooks):
    event = EventFactory.create(organizer=organizer)
    old_start = event.starts_at
    new_start = later(days=12)

    response = client_of(organizer).patch(
        f"/api/v1/events/{event.pk}/", {"starts_at": iso(new_start), "ends_at": iso(new_start + dt.timedelta(hours=1))},
        format="json",
    )  # fmt: skip

    assert response.status_code == 200, response.content
    assert response.json()["sequence"] == 1
    assert response.json()["starts_at"] == iso(new_start)
    assert event_hooks.named("event_time_changed_on_commit") == [("event_time_changed_on_commit", event.pk, old_start)]


@pytest.mark.parametrize(
    ("change", "grows"),
    [
        ({"title": "Another title"}, True),
        ({"location": "Geneva"}, True),
        ({"online_url": "https://meet.example.org/other"}, True),
        ({"timezone": "Europe/Zurich"}, True),
        ({"description": "More words."}, False),
        ({"objectives": ["7"]}, False),
        ({"capacity": 500}, False),
    ],
)
def test_the_sequence_grows_when_title_time_zone_or_place_change(organizer, event_hooks, change, grows):
    event = EventFactory.create(organizer=organizer)

    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", change, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["sequence"] == (1 if grows else 0)
    assert event_hooks.named("event_time_changed_on_commit") == []


def test_sending_back_the_same_values_changes_nothing(organizer, event_hooks):
    event = EventFactory.create(organizer=organizer)
    before = snapshot()

    response = client_of(organizer).patch(
        f"/api/v1/events/{event.pk}/", {"title": event.title, "starts_at": iso(event.starts_at)}, format="json"
    )

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": "2000-01-01T00:00:00Z"},
        {"starts_at": "2000-01-01T00:00:00Z"},
        {"location": "", "online_url": ""},
        {"timezone": "Nowhere/Land"},
        {"capacity": 0},
        {"title": "   "},
    ],
)
def test_a_bad_change_is_400_and_changes_nothing(organizer, event_hooks, change):
    event = EventFactory.create(organizer=organizer)
    before = snapshot()

    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", change, format="json")

    assert response.status_code == 400, response.content
    assert snapshot() == before
    assert event_hooks.calls == []


def test_the_capacity_cannot_drop_below_the_seats_taken(organizer, event_hooks):
    from events.models import Rsvp

    event = EventFactory.create(organizer=organizer, capacity=10)
    for person in UserFactory.create_batch(3):
        Rsvp.objects.create(event=event, user=person, response="yes")

    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"capacity": 2}, format="json")

    assert response.status_code == 400
    assert "capacity" in response.json()
    event.refresh_from_db()
    assert event.capacity == 10
    assert client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"capacity": 3}, format="json").status_code == 200


def test_only_the_organizer_and_staff_change_an_event(organizer, staff_user, event_hooks):
    event = EventFactory.create(organizer=organizer)
    url = f"/api/v1/events/{event.pk}/"

    for stranger in (UserFactory.create(), organizer_user()):
        response = client_of(stranger).patch(url, {"title": "Mine now"}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert client_of(staff_user).patch(url, {"title": "Staff fixed it"}, format="json").status_code == 200
    event.refresh_from_db()
    assert event.title == "Staff fixed it"


def test_an_organizer_whose_grant_was_withdrawn_no_longer_changes_their_events(organizer, event_hooks):
    event = EventFactory.create(organizer=organizer)
    OrganizerGrant.objects.filter(user=organizer).delete()

    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"title": "Still mine?"}, format="json")

    assert response.status_code == 403


def test_another_organizers_draft_is_404_to_change(organizer, event_hooks):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    response = client_of(organizer_user()).patch(f"/api/v1/events/{draft.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 404


def test_a_cancelled_event_cannot_be_changed(organizer, event_hooks):
    event = EventFactory.create(organizer=organizer, status=Event.Status.CANCELLED)
    response = client_of(organizer).patch(f"/api/v1/events/{event.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


# --- publishing and cancelling ----------------------------------------------------------------


def test_publishing_a_draft_announces_it_once(organizer, event_hooks):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    url = f"/api/v1/events/{draft.pk}/publish/"

    response = client_of(organizer).post(url)
    again = client_of(organizer).post(url)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    assert again.status_code == 200
    assert again.json()["published_at"] == response.json()["published_at"]
    assert event_hooks.named("announce_on_commit") == [("announce_on_commit", draft.pk, None)]
    # Now everyone sees it.
    assert client_of(UserFactory.create()).get(f"/api/v1/events/{draft.pk}/").status_code == 200


def test_publishing_an_event_whose_start_passed_is_409(organizer, event_hooks):
    draft = EventFactory.create(
        organizer=organizer, status=Event.Status.DRAFT, starts_at=later(days=-1), ends_at=later(days=-1, hours=3)
    )
    response = client_of(organizer).post(f"/api/v1/events/{draft.pk}/publish/")
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    assert event_hooks.calls == []


def test_only_the_organizer_and_staff_publish_and_cancel(organizer, event_hooks):
    draft = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    event = EventFactory.create(organizer=organizer)
    someone = client_of(UserFactory.create())

    assert someone.post(f"/api/v1/events/{draft.pk}/publish/").status_code == 404
    assert someone.post(f"/api/v1/events/{event.pk}/cancel/").status_code == 403
    assert client_of(organizer_user()).post(f"/api/v1/events/{event.pk}/cancel/").status_code == 403
    assert event_hooks.calls == []
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_cancelling_a_published_event_grows_its_sequence_and_tells_attendees_and_invitees(organizer, event_hooks):
    event = EventFactory.create(organizer=organizer)

    response = client_of(organizer).post(f"/api/v1/events/{event.pk}/cancel/")
    again = client_of(organizer).post(f"/api/v1/events/{event.pk}/cancel/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["sequence"]) == ("cancelled", 1)
    assert body["cancelled_at"] is not None
    assert again.status_code == 200 and again.json()["sequence"] == 1
    assert [name for name, _pk, _extra in event_hooks.calls] == [
        "event_cancelled_on_commit", "invitations_cancelled_on_commit",
    ]  # fmt: skip
    assert client_of(organizer).post(f"/api/v1/events/{event.pk}/publish/").status_code == 409


def test_publish_and_cancel_need_an_account(api_client):
    event = EventFactory.create()
    assert api_client.post(f"/api/v1/events/{event.pk}/cancel/").status_code == 401


# --- organizer grants -------------------------------------------------------------------------


def test_staff_grant_and_withdraw_the_organizer_role(staff_user):
    person = UserFactory.create()
    staff = client_of(staff_user)

    granted = staff.post("/api/v1/event-organizers/", {"username": person.username.upper()}, format="json")
    again = staff.post("/api/v1/event-organizers/", {"username": person.username}, format="json")

    assert granted.status_code == 201, granted.content
    assert granted.json()["username"] == person.username
    assert granted.json()["granted_by"] == staff_user.username
    assert again.status_code == 200
    assert [item["username"] for item in staff.get("/api/v1/event-organizers/").json()["results"]] == [person.username]
    assert client_of(person).post("/api/v1/events/", new_event(), format="json").status_code == 201

    assert staff.delete(f"/api/v1/event-organizers/{person.username}/").status_code == 204
    assert staff.delete(f"/api/v1/event-organizers/{person.username}/").status_code == 404
    assert client_of(person).post("/api/v1/events/", new_event(), format="json").status_code == 403


def test_only_staff_manage_grants(organizer):
    person = UserFactory.create()
    caller = client_of(organizer)

    assert caller.post("/api/v1/event-organizers/", {"username": person.username}, format="json").status_code == 403
    assert caller.get("/api/v1/event-organizers/").status_code == 403
    assert caller.delete(f"/api/v1/event-organizers/{organizer.username}/").status_code == 403
    assert OrganizerGrant.objects.filter(user=organizer).exists()
    assert not OrganizerGrant.objects.filter(user=person).exists()


def test_granting_an_unknown_user_is_400(staff_user):
    response = client_of(staff_user).post("/api/v1/event-organizers/", {"username": "nobody-here"}, format="json")
    assert response.status_code == 400
    assert not OrganizerGrant.objects.exists()
