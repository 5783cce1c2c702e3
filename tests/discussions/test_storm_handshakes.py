"""Connect storms: the handshakes of sockets that arrive together share their token lookup and
access check, and each socket still gets its own answer (a banned user in a batch is refused
alone)."""

import asyncio
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as db
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.services import token_for
from accounts.socket_auth import users_for_tokens
from config.asgi import application
from discussions import consumers
from discussions.models import Ban, Membership
from discussions.selectors.sockets import socket_access_many
from discussions.services.access import SpaceAccess
from hub.errors import HubError
from tests.discussions.conftest import SpaceSocket, member_of
from tests.factories import UserFactory


def outcome(result: SpaceAccess | HubError) -> str | int:
    return result.status if isinstance(result, HubError) else result.role


@pytest.mark.django_db
def test_each_socket_of_a_batch_gets_its_own_access(space, private_space):
    member, banned, expired = member_of(space), member_of(space), member_of(space)
    moderator = member_of(space, role=Membership.Role.MODERATOR)
    visitor, outsider, staff = UserFactory.create(), UserFactory.create(), UserFactory.create(is_staff=True)
    insider = member_of(private_space)
    Ban.objects.create(space=space, user=banned)
    Ban.objects.create(space=space, user=expired, expires_at=timezone.now() - timedelta(minutes=1))
    requests = [
        (space.slug, member), (space.slug, banned), (private_space.slug, outsider), (space.slug, visitor),
        ("no-such-space", member), (private_space.slug, insider), (space.slug, expired), (space.slug, moderator),
        (private_space.slug, staff), (space.slug, member),
    ]  # fmt: skip
    outcomes = socket_access_many(requests)
    assert [outcome(result) for result in outcomes] == [
        "member", 403, 404, "visitor", 404, "member", "member", "moderator", "moderator", "member",
    ]  # fmt: skip
    accesses = [result for result in outcomes if isinstance(result, SpaceAccess)]
    assert all(access.space.last_seq == 0 for access in accesses)
    assert outcomes[0].membership is not None and outcomes[0].membership.user == member  # type: ignore[union-attr]


@pytest.mark.django_db
def test_each_token_of_a_batch_finds_its_own_user():
    alice, inactive = UserFactory.create(), UserFactory.create(is_active=False)
    alice_key, inactive_key = token_for(alice), token_for(inactive)
    users = users_for_tokens([alice_key, "no-such-token", inactive_key, alice_key])
    assert users[0] == alice and users[3] == alice
    assert isinstance(users[1], AnonymousUser) and isinstance(users[2], AnonymousUser)
    assert Token.objects.count() == 2


async def _open(user, slug: str) -> dict | int:
    """The socket's hello, or the code it was closed with."""
    headers = [(b"authorization", f"Token {await db(token_for)(user)}".encode())]
    socket = SpaceSocket(application, f"/ws/spaces/{slug}/", headers=headers)
    connected, code = await socket.connect()
    assert connected, code
    output = await socket.receive_output(timeout=10)
    if output["type"] == "websocket.close":
        return output["code"]
    await socket.disconnect()
    return json.loads(output["text"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_a_banned_user_arriving_with_others_is_refused_alone(space, private_space, monkeypatch):
    batches: list[list[str]] = []
    check = consumers._socket_access_many

    async def recorded(requests):
        batches.append([user.username for _slug, user in requests])
        return await check(requests)

    monkeypatch.setattr(consumers, "_socket_access_many", recorded)
    members = [await db(member_of)(space) for _ in range(8)]
    banned, outsider = members[3], await db(UserFactory.create)()
    await db(Ban.objects.create)(space=space, user=banned)
    crowd = [(user, space.slug) for user in members] + [(outsider, private_space.slug)]
    answers = await asyncio.gather(*(_open(user, slug) for user, slug in crowd))

    assert answers[3] == 4403
    assert answers[8] == 4404
    for index, answer in enumerate(answers[:8]):
        if index != 3:
            assert isinstance(answer, dict) and answer["type"] == "hello" and answer["role"] == "member", answer
    # The banned user was checked in the same statement as others who were let in.
    batch = next(batch for batch in batches if banned.username in batch)
    assert len(batch) > 1
    assert sum(len(batch) for batch in batches) == len(crowd)
