"""Demo subscriptions for ``seed_demo``: every demo user follows events of a few objectives and a
region or two, with email "immediate" (the contract's ``--users N``).

Registered from ``NotificationsConfig.ready()`` to run right after the users (accounts, order 10).
Rows are streamed with ``experts.bulk.RowWriter`` (``COPY`` on PostgreSQL): 10,000 users'
subscriptions and preferences take well under a second. Without the taxonomy (nothing to follow)
the part only reports its steps.
"""

import random
from collections.abc import Iterator

from django.db.models import Exists, OuterRef

from accounts.demo import BATCH_SIZE, USERS
from accounts.models import User
from events.models import Event
from experts.bulk import RowWriter
from gcm.models import Objective, Region
from hub.demo import DemoOptions
from notifications.models import NotificationPreference, Subscription

# Most people take every kind of event; some only a kind or two.
KINDS_CHOICES: list[list[str]] = [[], [], [], [Event.Kind.TRAINING], [Event.Kind.WEBINAR, Event.Kind.TALK]]


def subscription_steps(options: DemoOptions) -> int:
    return options.count(USERS.name)


def seed_subscriptions(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    """Yields a step per user subscribed (``subscription_steps`` in all): each non-staff user without
    a subscription gets 1 to 3 objectives and 1 or 2 regions, and email "immediate"."""
    steps = subscription_steps(options)
    objectives = sorted(Objective.objects.values_list("key", flat=True), key=_objective_order)
    regions = sorted(Region.objects.values_list("slug", flat=True))
    has_subscription = Subscription.objects.filter(user_id=OuterRef("pk"))
    has_preference = NotificationPreference.objects.filter(user_id=OuterRef("pk"))
    user_ids = list(
        User.objects.filter(is_staff=False)
        .exclude(Exists(has_subscription))
        .order_by("pk")
        .values_list("pk", Exists(has_preference))
    )
    if not objectives or not regions:
        yield steps
        return
    done = yielded = 0
    with RowWriter(Subscription, batch_size=BATCH_SIZE) as subscriptions:
        for user_id, _preference in user_ids:
            subscriptions.add(
                Subscription(
                    user_id=user_id,
                    objectives=rng.sample(objectives, k=rng.randint(1, 3)),
                    regions=rng.sample(regions, k=rng.randint(1, 2)),
                    kinds=list(rng.choice(KINDS_CHOICES)),
                )
            )
            done += 1
            if done % BATCH_SIZE == 0 and yielded + BATCH_SIZE <= steps:
                yielded += BATCH_SIZE
                yield BATCH_SIZE
    with RowWriter(NotificationPreference, batch_size=BATCH_SIZE) as preferences:
        preferences.add_all(
            NotificationPreference(user_id=user_id, email=NotificationPreference.Email.IMMEDIATE)
            for user_id, preference in user_ids
            if not preference
        )
    if steps > yielded:
        yield steps - yielded


def _objective_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (100, key)
