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


def test_same_seed_same_users_and_another_seed_others():
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    first = seeded_users()
    User.objects.all().delete()
    call_command("seed_demo", "--seed", "7", "--users", "30", "--no-progress")
    assert seeded_users() == first
    User.objects.all().delete()
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
