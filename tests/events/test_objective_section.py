"""The objective page's Events section: the objective's next upcoming published events, and the count
of them on the page and in the objectives API."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def test_the_section_lists_the_objectives_upcoming_published_events_soonest_first(client):
    now = timezone.now()
    later = EventFactory.create(title="Later talk on smuggling", objectives=["9"], starts_at=now + dt.timedelta(days=9))
    sooner = EventFactory.create(
        title="Sooner training on smuggling", objectives=["10", "9"], starts_at=now + dt.timedelta(days=2),
        timezone="Asia/Bangkok", location="", online_url="https://meet.example.org/t",
    )  # fmt: skip
    EventFactory.create(title="A draft on smuggling", objectives=["9"], status=Event.Status.DRAFT)
    EventFactory.create(title="A cancelled talk", objectives=["9"], status=Event.Status.CANCELLED)
    EventFactory.create(title="About recruitment", objectives=["6"])
    EventFactory.create(
        title="Past smuggling talk", objectives=["9"], starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2, hours=-1),
    )  # fmt: skip

    content = client.get("/objectives/9/").content.decode()

    assert '<section id="events"' in content
    assert content.index(sooner.title) < content.index(later.title)
    assert f'href="/events/{sooner.pk}/"' in content
    for absent in ("A draft on smuggling", "A cancelled talk", "About recruitment", "Past smuggling talk"):
        assert absent not in content
    assert "(Asia/Bangkok)" in content
    assert "See all 2 upcoming events" in content
    assert 'href="/events/?objective=9&amp;upcoming=true"' in content
    # Between the documents and the projects, as the page's order has it.
    assert content.index('id="documents"') < content.index('id="events"') < content.index('id="projects"')


def test_an_objective_without_events_says_so(client):
    content = client.get("/objectives/3/").content.decode()
    assert '<section id="events"' in content
    assert "No upcoming events." in content


def test_the_objectives_api_counts_upcoming_published_events(api_client):
    EventFactory.create_batch(2, objectives=["9"])
    EventFactory.create(objectives=["9"], status=Event.Status.DRAFT)

    body = api_client.get("/api/v1/objectives/9/").json()

    assert body["counts"]["events"] == 2
