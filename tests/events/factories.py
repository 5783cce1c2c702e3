"""Events for tests: ``EventFactory.create(...)`` is a published event a week ahead, two hours long,
organized by a granted organizer, unless told otherwise."""

import datetime as dt

from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory

from accounts.models import User
from events.models import Event, OrganizerGrant
from tests.factories import UserFactory


def organizer_user(**fields: object) -> User:
    """A user granted the organizer role."""
    user = UserFactory.create(**fields)
    OrganizerGrant.objects.create(user=user)
    return user


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    title = Sequence(lambda n: f"GCM Talk on fair recruitment, session {n}")
    kind = Event.Kind.TALK
    description = "A conversation on labour migration governance."
    objectives = LazyAttribute(lambda _: ["6"])
    regions = LazyAttribute(lambda _: ["africa"])
    starts_at = LazyFunction(lambda: (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0))
    ends_at = LazyAttribute(lambda event: event.starts_at + dt.timedelta(hours=2))
    timezone = "Africa/Nairobi"
    location = "UN Gigiri, Nairobi"
    online_url = "https://meet.example.org/gcm-talk"
    capacity = None
    organizer = SubFactory(UserFactory)
    status = Event.Status.PUBLISHED
    published_at = LazyAttribute(lambda event: timezone.now() if event.status != Event.Status.DRAFT else None)
