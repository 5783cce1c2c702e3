"""The events list answers a page of 1 and a page of 50 in the same few queries (no N+1): each event's
organizer, attendee count, waiting list, held seats and the caller's answer come with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Rsvp, WaitlistEntry
from tests.events.conftest import client_of
from tests.events.factories import EventFactory, organizer_user
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def queries_for(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert len(response.json()["results"]) == rows
    return len(queries)


@pytest.mark.parametrize("caller", ["anonymous", "member", "organizer", "staff"])
def test_the_events_list_is_constant_in_queries(api_client, caller):
    people = UserFactory.create_batch(3)
    organizer = organizer_user()
    for index in range(50):
        event = EventFactory.create(organizer=UserFactory.create() if index % 2 else organizer, capacity=5)
        for person in people:
            Rsvp.objects.create(event=event, user=person, response="yes")
        WaitlistEntry.objects.create(event=event, user=UserFactory.create())
    EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    client = {
        "anonymous": api_client,
        "member": client_of(people[0]),
        "organizer": client_of(organizer),
        "staff": client_of(UserFactory.create(is_staff=True)),
    }[caller]
    for filters in ("", "&objective=6&region=africa&kind=talk", "&upcoming=true"):
        client.get(f"/api/v1/events/?page_size=1{filters}")  # the taxonomy's keys, read once per process
        one = queries_for(client, f"/api/v1/events/?page_size=1{filters}", 1)
        fifty = queries_for(client, f"/api/v1/events/?page_size=50{filters}", 50)
        assert one == fifty, f"{caller} {filters}: {one} queries for 1 row, {fifty} for 50"
        # The count and the page; a token caller's authentication one more.
        assert one <= 2 + (caller != "anonymous"), f"{caller} {filters}: {one} queries"


def test_an_event_is_read_in_one_query(api_client, django_assert_max_num_queries):
    event = EventFactory.create(capacity=5)
    Rsvp.objects.create(event=event, user=UserFactory.create(), response="yes")
    with django_assert_max_num_queries(1):
        response = api_client.get(f"/api/v1/events/{event.pk}/")
    assert response.json()["attendee_count"] == 1


def test_the_organizer_grants_list_is_constant_in_queries():
    from events.models import OrganizerGrant

    staff = UserFactory.create(is_staff=True)
    for _index in range(30):
        OrganizerGrant.objects.create(user=UserFactory.create(), granted_by=UserFactory.create(is_staff=True))
    client = client_of(staff)

    one = queries_for(client, "/api/v1/event-organizers/?page_size=1", 1)
    thirty = queries_for(client, "/api/v1/event-organizers/?page_size=30", 30)

    assert one == thirty <= 3  # authentication, the page, the count
