"""``seed_demo --users N``: N users with unusable passwords at example.org, each subscribed to at
least one objective and one region with email "immediate"; deterministic with ``--seed``; fast."""

import pytest
from django.core.management import call_command

from accounts.models import User
from gcm.models import Objective, Region
from hub import demo
from notifications.models import NotificationPreference, Subscription

pytestmark = pytest.mark.django_db


def seeded_subscriptions() -> list[tuple[str, list[str], list[str], list[str]]]:
    return list(
        Subscription.objects.order_by("user__username").values_list("user__username", "objectives", "regions", "kinds")
    )


def wipe() -> None:
    from discussions.models import Message, Space, Topic
    from experts.models import Expert, Resource

    Expert.objects.all().delete()
    Resource.objects.all().delete()
    Message.objects.all().delete()
    Topic.objects.all().delete()
    Space.objects.update(last_seq=0)
    User.objects.all().delete()


def test_users_cannot_log_in_live_at_example_org_and_follow_an_objective_and_a_region(taxonomy):
    call_command("seed_demo", "--users", "40", "--experts", "0", "--resources", "0", "--no-progress")
    users = User.objects.filter(is_staff=False)
    assert users.count() == 40
    objectives = set(Objective.objects.values_list("key", flat=True))
    regions = set(Region.objects.values_list("slug", flat=True))
    for user in users.select_related("notification_subscription", "notification_preference"):
        assert not user.has_usable_password()
        assert user.email == f"{user.username}@example.org"
        subscription = user.notification_subscription
        assert subscription.objectives and set(subscription.objectives) <= objectives
        assert subscription.regions and set(subscription.regions) <= regions
        assert user.notification_preference.email == NotificationPreference.Email.IMMEDIATE
    staff = User.objects.get(is_staff=True)
    assert staff.has_usable_password()
    assert not Subscription.objects.filter(user=staff).exists()


def test_the_same_seed_gives_the_same_subscriptions(taxonomy):
    call_command("seed_demo", "--seed", "7", "--users", "30", "--experts", "0", "--resources", "0", "--no-progress")
    first = seeded_subscriptions()
    wipe()
    call_command("seed_demo", "--seed", "7", "--users", "30", "--experts", "0", "--resources", "0", "--no-progress")
    assert seeded_subscriptions() == first
    wipe()
    call_command("seed_demo", "--seed", "8", "--users", "30", "--experts", "0", "--resources", "0", "--no-progress")
    assert seeded_subscriptions() != first


def test_progress_counts_a_step_per_subscribed_user(taxonomy):
    options = demo.DemoOptions(counts={"users": 2500, "experts": 0, "resources": 0})
    part = next(part for part in demo.demo_parts() if part.name == "subscriptions")
    assert part.order == 11
    done: list[int] = []
    demo.seed_demo(options, progress=done.append)
    assert sum(done) == demo.demo_steps(options)
    assert Subscription.objects.count() == 2500


def test_ten_thousand_users(taxonomy):
    # About 2 s on either database (timed by hand, not asserted: no wall-clock assertions here).
    call_command("seed_demo", "--users", "10000", "--experts", "0", "--resources", "0", "--no-progress")
    assert Subscription.objects.count() == 10_000
    assert NotificationPreference.objects.filter(email="immediate").count() == 10_000
