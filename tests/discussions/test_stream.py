"""Reads behind a space socket: who may no longer read a space they have a socket on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussions.models import Ban, Membership, Space
from discussions.services.stream import revoked_readers
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_banned_readers_get_4403_and_expired_bans_do_not_count(space):
    banned, expired, reader = member_of(space), member_of(space), UserFactory()
    Ban.objects.create(space=space, user=banned)
    Ban.objects.create(space=space, user=expired, expires_at=timezone.now() - timedelta(minutes=1))
    assert revoked_readers(space.pk, [banned.pk, expired.pk, reader.pk]) == {banned.pk: 4403}


def test_in_a_private_space_only_members_and_staff_may_stay(private_space):
    member, left, staff = member_of(private_space), member_of(private_space), UserFactory(is_staff=True)
    Membership.objects.filter(space=private_space, user=left).delete()
    assert revoked_readers(private_space.pk, [member.pk, left.pk, staff.pk]) == {left.pk: 4404}


def test_a_deleted_space_closes_everyone(space):
    reader = UserFactory()
    space_id = space.pk
    Space.objects.filter(pk=space_id).delete()
    assert revoked_readers(space_id, [reader.pk]) == {reader.pk: 4404}
