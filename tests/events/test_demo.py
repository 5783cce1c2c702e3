"""``seed_demo --events N``: upcoming events over every objective and region, organized by granted demo
users and staff, in their venues' zones, with answers within capacity; the same seed, the same events."""

import random
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from events import demo
from events.models import Event, OrganizerGrant, Rsvp, WaitlistEntry
from events.services.events import timezone_known
from gcm.models import Objective, Region
from hub.demo import DemoOptions

pytestmark = pytest.mark.django_db

SMALL = ["--users", "20", "--experts", "5", "--resources", "5", "--no-progress"]


def seed_part(seed: int, events: int) -> None:
    """This part alone, with the generator ``seed_demo`` would give it."""
    options = DemoOptions(seed=seed, counts={"events": events})
    for _ in demo.seed_events(random.Random(f"{seed}:events"), options):
        pass


def events_made() -> list[tuple]:
    return list(
        Event.objects.order_by("starts_at", "title").values_list(
            "title", "kind", "starts_at", "ends_at", "timezone", "location", "online_url", "capacity", "status",
            "objectives", "regions", "organizer__username",
        )
    )  # fmt: skip


def test_seed_demo_makes_upcoming_events_over_every_objective_and_region(taxonomy):
    call_command("seed_demo", *SMALL, "--events", "60")

    assert Event.objects.count() == 60
    now = timezone.now()
    assert not Event.objects.filter(starts_at__lte=now).exists()
    tagged_objectives = {key for event in Event.objects.all() for key in event.objectives}
    tagged_regions = {slug for event in Event.objects.all() for slug in event.regions}
    assert tagged_objectives == set(Objective.objects.values_list("key", flat=True))
    assert tagged_regions == set(Region.objects.values_list("slug", flat=True))
    assert set(Event.objects.values_list("kind", flat=True)) == set(Event.Kind.values)
    assert Event.objects.filter(status=Event.Status.DRAFT).exists()
    assert Event.objects.filter(status=Event.Status.PUBLISHED).count() >= 45
    # Published before the subscribers: nothing is owed to the announcement sweep.
    assert not Event.objects.filter(status=Event.Status.PUBLISHED, announced_at=None).exists()


def test_demo_events_are_organized_by_organizers_in_real_zones_at_working_hours(taxonomy):
    call_command("seed_demo", *SMALL, "--events", "40")

    organizers = set(OrganizerGrant.objects.values_list("user_id", flat=True))
    assert len(organizers) == demo.ORGANIZERS
    for event in Event.objects.select_related("organizer"):
        assert event.organizer is not None
        assert event.organizer.is_staff or event.organizer_id in organizers
        assert timezone_known(event.timezone)
        local = event.starts_at.astimezone(ZoneInfo(event.timezone))
        assert 8 <= local.hour <= 18, (event.title, local)
        assert event.ends_at > event.starts_at
        assert event.location or event.online_url
        assert event.capacity is None or event.capacity >= 1


def test_answers_stay_within_capacity_and_one_training_has_a_waiting_list(taxonomy):
    call_command("seed_demo", *SMALL, "--events", "40")

    over = Event.objects.annotate(yes=Count("rsvps", filter=Q(rsvps__response="yes"))).filter(capacity__lt=F("yes"))
    assert Rsvp.objects.exists()
    assert not over.exists()
    assert not Rsvp.objects.filter(event__status=Event.Status.DRAFT).exists()
    assert not Rsvp.objects.filter(user_id=F("event__organizer_id")).exists()
    (full,) = Event.objects.filter(pk__in=WaitlistEntry.objects.values("event_id")).distinct()
    assert full.kind == Event.Kind.TRAINING
    assert Rsvp.objects.filter(event=full, response="yes").count() == full.capacity
    assert WaitlistEntry.objects.filter(event=full, state="waiting").count() == demo.WAITING


def test_the_same_seed_makes_the_same_events_and_another_seed_others(taxonomy):
    call_command("seed_demo", *SMALL, "--events", "0")

    seed_part(7, 30)
    first = events_made()
    Event.objects.all().delete()
    OrganizerGrant.objects.all().delete()
    seed_part(7, 30)
    assert events_made() == first
    Event.objects.all().delete()
    OrganizerGrant.objects.all().delete()
    seed_part(8, 30)
    assert events_made() != first
