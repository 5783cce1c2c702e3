import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from hub.demo import DEMO_USER_PASSWORD

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
