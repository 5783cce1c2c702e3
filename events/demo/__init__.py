"""Demo events for ``seed_demo`` (``--events N``): upcoming GCM Talks, trainings, webinars and
regional events over the objectives and regions, with organizers, time zones, capacities and answers.

Registered from ``EventsConfig.ready()`` to run after the users (accounts, order 10) and experts
(20): a few demo users are granted the organizer role and organize most events (the staff user the
rest); other demo users answer. Every objective and region gets events before any gets a second
(``Cycle``). Times are drawn relative to the start of the current UTC day, at working hours in the
venue's own zone, so the same ``--seed`` on the same day makes the same Hub. About one event in ten
is left a draft; one training is filled to its capacity with a short waiting list.
"""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.demo import BATCH_SIZE
from accounts.models import User
from events.demo import words
from events.models import Event, OrganizerGrant, Rsvp, RsvpResponse, WaitlistEntry
from experts.demo.world import Cycle, Weighted
from gcm.models import Objective, Region
from hub.demo import DemoCount, DemoOptions

EVENTS = DemoCount("events", 40, "How many upcoming events (GCM Talks, trainings, webinars, regional events).")
ORGANIZERS = 4
KINDS = Weighted.of({"talk": 3, "training": 3, "webinar": 3, "event": 2})
# Hours of the local working day a kind starts at, and how long it lasts (minutes).
START_HOURS = {"talk": (9, 17), "training": (9, 14), "webinar": (8, 18), "event": (9, 11)}
DURATIONS = {"talk": (60, 90), "training": (180, 420), "webinar": (60, 120), "event": (240, 480)}
CAPACITIES = {
    "talk": (None, 100, 150, 300), "training": (20, 25, 30, 40, 60), "webinar": (None, 500, 1000),
    "event": (80, 120, 200, 300),
}  # fmt: skip
HORIZON_DAYS = 120
DRAFT_SHARE = 0.1
WAITING = 3  # on the full training's waiting list
ANSWERS = Weighted.of({RsvpResponse.YES: 6, RsvpResponse.MAYBE: 2, RsvpResponse.NO: 1})


def event_steps(options: DemoOptions) -> int:
    return 1 + options.count(EVENTS.name)


def seed_events(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    """Yields 1 for the organizers, then a step per event (``event_steps``).

    Needs the taxonomy (migrations load it) and at least one user: without them the part only
    reports its steps.
    """
    count = options.count(EVENTS.name)
    objectives = list(Objective.objects.order_by("position").values_list("key", flat=True))
    regions = [region for region in Region.objects.order_by("slug").values_list("slug", flat=True)
               if region in words.VENUES]  # fmt: skip
    people = list(User.objects.filter(is_active=True, is_staff=False).order_by("pk"))
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    if not objectives or not regions or (staff is None and not people):
        yield event_steps(options)
        return
    organizers = _seed_organizers(rng, people, staff)
    yield 1
    day = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    objective_cycle, region_cycle = Cycle(rng, objectives), Cycle(rng, regions)
    made = 0
    while made < count:
        batch = [
            _event(rng, day, objective_cycle, region_cycle, organizers, objectives, regions)
            for _ in range(min(BATCH_SIZE, count - made))
        ]
        published = [event for event in batch if event.status == Event.Status.PUBLISHED]
        full = _full_training(published, people)
        Event.objects.bulk_create(batch)
        _seed_answers(rng, published, people, full=full)
        made += len(batch)
        yield len(batch)


def _seed_organizers(rng: random.Random, people: list[User], staff: User | None) -> list[User]:
    granted = rng.sample(people, k=min(ORGANIZERS, len(people)))
    OrganizerGrant.objects.bulk_create(
        [OrganizerGrant(user=user, granted_by=staff) for user in granted], ignore_conflicts=True
    )
    return [*granted, *([staff] if staff is not None else [])]


def _event(
    rng: random.Random,
    day: datetime,
    objective_cycle: Cycle,
    region_cycle: Cycle,
    organizers: list[User],
    objectives: list[str],
    regions: list[str],
) -> Event:
    kind = KINDS.draw(rng)
    objective = objective_cycle.next()
    tagged = [objective, *rng.sample([key for key in objectives if key != objective], k=rng.choice((0, 0, 1, 2)))]
    region = region_cycle.next()
    venue = rng.choice(words.VENUES[region])
    topic = rng.choice(words.TOPICS.get(objective, words.TOPICS["general"]))
    audience = rng.choice(words.AUDIENCES)
    first_hour, last_hour = START_HOURS[kind]
    local_day = (day + timedelta(days=rng.randint(1, HORIZON_DAYS))).date()
    local_start = datetime(local_day.year, local_day.month, local_day.day, rng.randint(first_hour, last_hour),
                           rng.choice((0, 30)), tzinfo=ZoneInfo(venue.timezone))  # fmt: skip
    starts_at = local_start.astimezone(UTC)
    minutes = rng.randrange(DURATIONS[kind][0], DURATIONS[kind][1] + 1, 30)
    online = kind in ("talk", "webinar") or rng.random() < 0.3
    in_person = kind in ("training", "event") or rng.random() < 0.3
    status = Event.Status.DRAFT if rng.random() < DRAFT_SHARE else Event.Status.PUBLISHED
    published_at = day - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
    title = {
        "talk": f"GCM Talk: {topic[0].upper()}{topic[1:]}",
        "training": f"Training on {topic} for {audience}",
        "webinar": f"Webinar: {topic[0].upper()}{topic[1:]}",
        "event": rng.choice(words.EVENT_FORMATS).format(topic=topic) + f" ({venue.city})",
    }[kind]
    return Event(
        title=title[:300],
        kind=kind,
        description=words.DESCRIPTIONS[kind].format(topic=topic, audience=audience),
        objectives=tagged,
        regions=[region, *([rng.choice([r for r in regions if r != region])] if rng.random() < 0.2 else [])],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        # Online-only events are still given in their organizers' zone.
        timezone=venue.timezone,
        location=venue.place if in_person else "",
        online_url=f"https://meet.example.org/gcm-{rng.randrange(10**6, 10**7)}" if online else "",
        capacity=rng.choice(CAPACITIES[kind]),
        organizer=rng.choice(organizers),
        status=status,
        published_at=published_at if status == Event.Status.PUBLISHED else None,
        # Published before the demo's subscribers existed: the announcement sweep owes nobody anything.
        announced_at=published_at if status == Event.Status.PUBLISHED else None,
    )


def _full_training(events: list[Event], people: list[User]) -> Event | None:
    """The smallest training, its capacity lowered to leave a few people for its waiting list."""
    trainings = [event for event in events if event.kind == Event.Kind.TRAINING and event.capacity is not None]
    if not trainings or len(people) < WAITING + 2:
        return None
    full = min(trainings, key=lambda event: event.capacity or 0)
    full.capacity = min(full.capacity or 0, len(people) - 1 - WAITING)
    return full


def _seed_answers(rng: random.Random, events: list[Event], people: list[User], *, full: Event | None) -> None:
    """A few answers per event within its capacity; ``full`` every seat taken and a short waiting list."""
    rsvps: list[Rsvp] = []
    waiting: list[WaitlistEntry] = []
    for event in events:
        audience = [person for person in people if person.pk != event.organizer_id]
        if event is full and event.capacity is not None:
            chosen = rng.sample(audience, k=event.capacity + WAITING)
            rsvps += [Rsvp(event=event, user=person, response=RsvpResponse.YES) for person in chosen[: event.capacity]]
            waiting += [WaitlistEntry(event=event, user=person) for person in chosen[event.capacity :]]
            continue
        yes = 0
        for person in rng.sample(audience, k=rng.randint(0, min(12, len(audience)))):
            response = ANSWERS.draw(rng)
            if response == RsvpResponse.YES and event.capacity is not None and yes >= event.capacity:
                continue
            yes += response == RsvpResponse.YES
            rsvps.append(Rsvp(event=event, user=person, response=response))
    Rsvp.objects.bulk_create(rsvps, batch_size=BATCH_SIZE)
    WaitlistEntry.objects.bulk_create(waiting, batch_size=BATCH_SIZE)
