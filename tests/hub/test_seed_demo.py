import random
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_USER_PASSWORD
from accounts.models import User
from discussions.demo import SPACES_WITH_CONVERSATIONS
from hub import demo
from hub.demo import DemoCount, DemoOptions, register_seeder

pytestmark = pytest.mark.django_db


def seeded_users() -> list[tuple[str, str, str]]:
    return list(User.objects.order_by("username").values_list("username", "email", "display_name"))


def test_seed_demo_creates_users_and_a_staff_login(capsys):
    call_command("seed_demo", "--users", "25", "--no-progress")
    assert User.objects.count() == 26
    staff = User.objects.get(is_staff=True)
    assert staff.username == "admin"
    assert staff.check_password(DEMO_USER_PASSWORD)
    assert "Staff login: username 'admin'" in capsys.readouterr().out


def wipe_demo() -> None:
    from discussions.models import Message, Space, Topic
    from experts.models import Expert, Resource

    Expert.objects.all().delete()  # demo experts alone say the demo is loaded
    Resource.objects.all().delete()
    Message.objects.all().delete()
    Topic.objects.all().delete()
    Space.objects.update(last_seq=0)
    User.objects.all().delete()


def seeded_messages() -> list[tuple[str, int, str, str]]:
    from discussions.models import Message

    return list(
        Message.objects.order_by("space__slug", "seq").values_list("space__slug", "seq", "author__username", "body")
    )


def test_same_seed_same_users_and_another_seed_others(taxonomy):
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    first, first_messages = seeded_users(), seeded_messages()
    assert first_messages
    wipe_demo()
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    assert (seeded_users(), seeded_messages()) == (first, first_messages)
    wipe_demo()
    call_command("seed_demo", "--seed", "8", "--users", "30", "--no-progress")
    assert seeded_users() != first


def test_seeding_twice_refuses_or_skips_with_if_empty(capsys):
    call_command("seed_demo", "--users", "3", "--no-progress")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--users", "3", "--no-progress")
    call_command("seed_demo", "--if-empty", "--users", "3", "--no-progress")
    assert User.objects.count() == 4
    assert "already loaded" in capsys.readouterr().out


def test_seed_demo_handles_more_users_than_one_batch():
    call_command("seed_demo", "--users", "2500", "--no-progress")
    assert User.objects.count() == 2501
    assert User.objects.values("username").distinct().count() == 2501


def test_seed_demo_fills_objective_spaces_with_conversations(taxonomy):
    from discussions.models import Membership, Message, Space

    call_command("seed_demo", "--users", "40", "--no-progress")
    nine = Space.objects.get(slug="objective-9")
    seqs = list(Message.objects.filter(space=nine).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, nine.last_seq + 1))
    assert nine.last_seq >= 12
    assert Membership.objects.filter(space=nine, role="moderator").count() == 1
    assert Message.objects.filter(space=nine, topic__is_question=True).exists()


@pytest.fixture
def registry(monkeypatch):
    """The parts the apps registered, which a test may add to; restored after it."""
    monkeypatch.setattr(demo, "_parts", dict(demo._parts))
    return demo._parts


def test_apps_register_users_then_discussions():
    parts = [(part.name, part.order) for part in demo.demo_parts()]
    assert parts == [("users", 10), ("subscriptions", 11), ("experts", 20), ("events", 30), ("discussions", 50)]
    assert [count.name for count in demo.demo_counts()] == ["users", "experts", "resources", "events"]


def test_parts_run_in_order_with_their_counts_from_the_command_line(registry, capsys):
    ran = []

    def part(name: str):
        def seeder(rng: random.Random, options: DemoOptions) -> Iterator[int]:
            ran.append((name, options.count("widgets"), User.objects.count()))
            yield 1

        return seeder

    widgets = DemoCount("widgets", 5, "How many widgets.")
    register_seeder("late", part("late"), lambda options: 1, order=90)
    register_seeder("early", part("early"), lambda options: 1, order=1, counts=(widgets,))
    call_command("seed_demo", "--users", "2", "--widgets", "7", "--no-progress")
    assert ran == [("early", 7, 0), ("late", 7, 3)]  # before the users, and after them (admin + 2)


def test_a_count_not_given_is_its_declared_default(registry):
    register_seeder("widgets", lambda rng, options: iter(()), lambda options: 0, order=60,
                    counts=(DemoCount("widgets", 5, "How many widgets."),))  # fmt: skip
    assert DemoOptions(counts={"users": 3}).count("widgets") == 5
    with pytest.raises(KeyError):
        DemoOptions().count("gadgets")


def test_two_parts_cannot_declare_the_same_option(registry):
    with pytest.raises(ImproperlyConfigured, match="--users"):
        register_seeder("more-users", lambda rng, options: iter(()), lambda options: 0, order=20,
                        counts=(DemoCount("users", 1, "Others."),))  # fmt: skip


def test_a_part_added_later_changes_nothing_the_others_make(registry, taxonomy):
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    first, first_messages = seeded_users(), seeded_messages()
    wipe_demo()

    def draws_a_lot(rng: random.Random, options: DemoOptions) -> Iterator[int]:
        rng.random()  # a shared generator would hand the parts after it other numbers
        yield 1

    register_seeder("newcomer", draws_a_lot, lambda options: 1, order=5)
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    assert (seeded_users(), seeded_messages()) == (first, first_messages)


def test_progress_adds_up_to_the_steps_each_part_announced(taxonomy):
    options = DemoOptions(counts={"users": 1200})
    done: list[int] = []
    demo.seed_demo(options, progress=done.append)
    experts = 1 + options.count("experts") + options.count("resources")  # the roster, then one per row
    events = 1 + options.count("events")  # the organizers, then one per event
    subscriptions = 1200  # one per user (notifications)
    assert (
        sum(done)
        == demo.demo_steps(options)
        == (1 + 1200 + subscriptions + experts + events + len(SPACES_WITH_CONVERSATIONS))
    )
