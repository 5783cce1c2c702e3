"""A socket's standing changes while it is open: a demotion, a join, a revoked token."""

import pytest
from channels.db import database_sync_to_async as db
from rest_framework.authtoken.models import Token

from accounts.services import token_for, token_revoke
from discussions.models import Membership
from discussions.services.posting import message_post
from discussions.services.reports import report_create
from discussions.services.spaces import moderator_set, space_join
from realtime.fanout import current_fanout
from tests.discussions.conftest import connect, member_of, receive_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]


async def frames_until(socket, frame_type: str) -> list[str]:
    """The types of the frames received up to and including the first ``frame_type``."""
    seen = []
    while True:
        frame = await socket.receive_json_from(timeout=5)
        seen.append(frame["type"])
        if frame["type"] == frame_type:
            return seen


async def close_code(socket) -> int:
    while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    return output["code"]


class TestRoles:
    async def test_a_demoted_moderator_stops_receiving_reports_at_once(self, space):
        staff = await db(UserFactory.create)(is_staff=True)
        demoted = await db(member_of)(space, role=Membership.Role.MODERATOR)
        reporter = await db(member_of)(space)
        socket = await connect(demoted, space.slug)
        assert socket.hello["role"] == "moderator"
        first = (await db(message_post)(slug=space.slug, author=reporter, body="one")).message
        await db(report_create)(message_id=first.pk, user=reporter, reason="spam")
        assert "report.new" in await frames_until(socket, "report.new")  # a moderator gets reports

        await db(moderator_set)(slug=space.slug, staff=staff, username=demoted.username, moderator=False)
        second = (await db(message_post)(slug=space.slug, author=reporter, body="two")).message
        await db(report_create)(message_id=second.pk, user=reporter, reason="spam again")
        marker = (await db(message_post)(slug=space.slug, author=reporter, body="after the report")).message
        seen = await frames_until(socket, "message.new")  # "two"
        seen += await frames_until(socket, "message.new")  # the marker, published after the report
        assert "report.new" not in seen
        assert marker.seq == 3
        await socket.disconnect()

    async def test_a_promoted_member_receives_reports(self, space):
        staff = await db(UserFactory.create)(is_staff=True)
        promoted, reporter = await db(member_of)(space), await db(member_of)(space)
        socket = await connect(promoted, space.slug)
        await db(moderator_set)(slug=space.slug, staff=staff, username=promoted.username, moderator=True)
        message = (await db(message_post)(slug=space.slug, author=reporter, body="one")).message
        await db(report_create)(message_id=message.pk, user=reporter, reason="spam")
        assert (await receive_until(socket, "report.new"))["report"]["seq"] == message.seq
        await socket.disconnect()

    async def test_a_visitor_who_joins_may_type_on_the_same_socket(self, space):
        visitor, other = await db(UserFactory.create)(), await db(member_of)(space)
        socket = await connect(visitor, space.slug)
        listener = await connect(other, space.slug)
        await socket.send_json_to({"type": "typing"})
        assert (await receive_until(socket, "error"))["code"] == "not_member"
        await db(space_join)(slug=space.slug, user=visitor)
        await receive_until(socket, "member.joined")
        await socket.send_json_to({"type": "typing"})
        assert await receive_until(listener, "typing") == {"type": "typing", "username": visitor.username}
        await socket.disconnect()
        await listener.disconnect()

    async def test_a_demotion_whose_event_was_lost_applies_at_the_access_recheck(self, space):
        demoted, reporter = await db(member_of)(space, role=Membership.Role.MODERATOR), await db(member_of)(space)
        socket = await connect(demoted, space.slug)
        # Written straight to the database: no role envelope, as if the layer lost it.
        await db(Membership.objects.filter(space=space, user=demoted).update)(role=Membership.Role.MEMBER)
        fanout = current_fanout()
        assert fanout is not None  # the sockets above started it
        await fanout.recheck_access()
        message = (await db(message_post)(slug=space.slug, author=reporter, body="one")).message
        await db(report_create)(message_id=message.pk, user=reporter, reason="spam")
        await db(message_post)(slug=space.slug, author=reporter, body="after the report")
        seen = await frames_until(socket, "message.new")
        seen += await frames_until(socket, "message.new")
        assert "report.new" not in seen
        await socket.disconnect()


class TestTokenRevocation:
    async def test_revoking_the_token_closes_its_sockets_with_4401_and_not_others(self, space):
        user = await db(member_of)(space)
        other = await db(member_of)(space)
        revoked = await connect(user, space.slug)
        bystander = await connect(other, space.slug)
        assert await db(token_revoke)(user=user) is True
        assert await close_code(revoked) == 4401
        assert not await db(Token.objects.filter(user=user).exists)()
        await bystander.send_json_to({"type": "ping"})
        assert await receive_until(bystander, "pong") == {"type": "pong"}
        await bystander.disconnect()

    async def test_a_new_token_works_after_revocation(self, space):
        user = await db(member_of)(space)
        old_key = await db(token_for)(user)
        await db(token_revoke)(user=user)
        assert await db(token_for)(user) != old_key
        socket = await connect(user, space.slug)
        assert socket.hello["role"] == "member"
        await socket.disconnect()

    async def test_a_revocation_whose_event_was_lost_closes_at_the_access_recheck(self, space):
        user = await db(member_of)(space)
        socket = await connect(user, space.slug)
        await db(Token.objects.filter(user=user).delete)()  # no envelope, as if the layer lost it
        fanout = current_fanout()
        assert fanout is not None  # the sockets above started it
        await fanout.recheck_access()
        assert await close_code(socket) == 4401
