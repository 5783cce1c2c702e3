"""Reads behind a space socket: who may no longer read a space they have a socket on, and as what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussions.models import Ban, Membership, Space
from discussions.selectors.sockets import check_readers
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_banned_readers_get_4403_and_expired_bans_do_not_count(space):
    banned, expired, reader = member_of(space), member_of(space), UserFactory.create()
    Ban.objects.create(space=space, user=banned)
    Ban.objects.create(space=space, user=expired, expires_at=timezone.now() - timedelta(minutes=1))
    check = check_readers(space.pk, [banned.pk, expired.pk, reader.pk])
    assert check.closed == {banned.pk: 4403}
    assert check.roles == {expired.pk: "member", reader.pk: "visitor"}


def test_in_a_private_space_only_members_and_staff_may_stay(private_space):
    member, left, staff = member_of(private_space), member_of(private_space), UserFactory.create(is_staff=True)
    Membership.objects.filter(space=private_space, user=left).delete()
    check = check_readers(private_space.pk, [member.pk, left.pk, staff.pk])
    assert check.closed == {left.pk: 4404}
    assert check.roles == {member.pk: "member", staff.pk: "moderator"}


def test_a_deleted_space_closes_everyone(space):
    reader = UserFactory.create()
    space_id = space.pk
    Space.objects.filter(pk=space_id).delete()
    assert check_readers(space_id, [reader.pk]).closed == {reader.pk: 4404}
