"""The space socket through ``WebsocketCommunicator``, on the real ASGI application."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async as db
from django.utils import timezone

from discussions.models import Ban, Membership, Message, Space
from discussions.services.moderation import ban_create
from discussions.services.posting import message_post
from discussions.services.spaces import space_leave
from realtime.fanout import current_fanout
from tests.discussions.conftest import closed_with, connect, member_of, receive_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]


def post(space, author, body="hello", **kwargs):
    return message_post(slug=space.slug, author=author, body=body, **kwargs).message


class TestHandshake:
    async def test_unauthenticated_is_closed_with_4401(self, space):
        assert await closed_with(None, space.slug) == 4401

    async def test_unknown_space_is_4404(self, db_user):
        assert await closed_with(db_user, "no-such-space") == 4404

    async def test_private_space_is_4404_for_outsiders_and_open_to_members(self, private_space):
        outsider = await db(UserFactory.create)()
        insider = await db(member_of)(private_space)
        assert await closed_with(outsider, private_space.slug) == 4404
        socket = await connect(insider, private_space.slug)
        assert socket.hello["role"] == "member"
        await socket.disconnect()

    async def test_banned_user_is_4403(self, space):
        user = await db(member_of)(space)
        await db(Ban.objects.create)(space=space, user=user)
        assert await closed_with(user, space.slug) == 4403

    async def test_expired_ban_no_longer_applies(self, space):
        user = await db(member_of)(space)
        await db(Ban.objects.create)(space=space, user=user, expires_at=timezone.now() - timedelta(minutes=1))
        socket = await connect(user, space.slug)
        await socket.disconnect()

    async def test_hello_says_role_last_seq_and_who_is_online(self, space):
        moderator = await db(member_of)(space, role=Membership.Role.MODERATOR)
        visitor = await db(UserFactory.create)()
        await db(post)(space, moderator)
        first = await connect(moderator, space.slug)
        assert first.hello == {"type": "hello", "space": space.slug, "last_seq": 1, "role": "moderator",
                               "online": [moderator.username], "online_count": 1}  # fmt: skip
        second = await connect(visitor, space.slug)
        assert second.hello["role"] == "visitor"
        assert second.hello["online"] == sorted([moderator.username, visitor.username])
        assert second.hello["online_count"] == 2
        assert await receive_until(first, "presence") == {
            "type": "presence",
            "username": visitor.username,
            "online": True,
        }
        await second.disconnect()
        assert await receive_until(first, "presence") == {
            "type": "presence", "username": visitor.username, "online": False,
        }  # fmt: skip
        await first.disconnect()

    async def test_arrivals_are_not_announced_one_by_one_in_a_crowd(self, space, settings):
        settings.REALTIME_PRESENCE_BROADCAST_LIMIT = 1
        first, second = await db(member_of)(space), await db(member_of)(space)
        a = await connect(first, space.slug)
        b = await connect(second, space.slug)
        assert b.hello["online"] == sorted([first.username, second.username])
        assert await a.receive_nothing(timeout=0.3)
        await a.disconnect()
        await b.disconnect()


@pytest.fixture
def db_user(db):
    return UserFactory.create()


class TestSending:
    async def test_message_reaches_everyone_with_the_senders_client_id(self, space):
        alice, bob = await db(member_of)(space), await db(member_of)(space)
        a, b = await connect(alice, space.slug), await connect(bob, space.slug)
        await a.send_json_to({"type": "message.send", "body": "Hello **all**", "client_id": "c-1"})
        mine, theirs = await receive_until(a, "message.new"), await receive_until(b, "message.new")
        assert mine == theirs
        assert mine["message"]["seq"] == 1
        assert mine["message"]["client_id"] == "c-1"
        assert mine["message"]["html"] == "<p>Hello <strong>all</strong></p>"
        assert mine["message"]["author"]["username"] == alice.username
        await a.disconnect()
        await b.disconnect()

    async def test_resent_client_id_creates_nothing_and_answers_the_original(self, space):
        alice, bob = await db(member_of)(space), await db(member_of)(space)
        a, b = await connect(alice, space.slug), await connect(bob, space.slug)
        await a.send_json_to({"type": "message.send", "body": "once", "client_id": "same"})
        original = await receive_until(a, "message.new")
        await receive_until(b, "message.new")
        await a.send_json_to({"type": "message.send", "body": "once", "client_id": "same"})
        assert await receive_until(a, "message.new") == original
        assert await b.receive_nothing(timeout=0.3)
        assert await db(Message.objects.count)() == 1
        await a.disconnect()
        await b.disconnect()

    async def test_visitor_cannot_post(self, space):
        visitor = await db(UserFactory.create)()
        socket = await connect(visitor, space.slug)
        await socket.send_json_to({"type": "message.send", "body": "hi", "client_id": "v1"})
        error = await receive_until(socket, "error")
        assert (error["code"], error["client_id"]) == ("not_member", "v1")
        assert await db(Message.objects.count)() == 0
        await socket.disconnect()

    async def test_twenty_first_message_in_ten_seconds_is_rate_limited(self, space, time_machine):
        time_machine.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False)  # event loops keep their own clock
        alice = await db(member_of)(space)
        socket = await connect(alice, space.slug)
        for index in range(20):
            await socket.send_json_to({"type": "message.send", "body": f"m{index}", "client_id": f"c{index}"})
            await receive_until(socket, "message.new")
        await socket.send_json_to({"type": "message.send", "body": "more", "client_id": "c20"})
        error = await receive_until(socket, "error")
        assert (error["code"], error["client_id"], error["retry_after"]) == ("rate_limited", "c20", 10)
        time_machine.shift(9)
        await socket.send_json_to({"type": "message.send", "body": "more", "client_id": "c21"})
        assert (await receive_until(socket, "error"))["retry_after"] == 1
        time_machine.shift(1)
        await socket.send_json_to({"type": "message.send", "body": "more", "client_id": "c22"})
        assert (await receive_until(socket, "message.new"))["message"]["seq"] == 21
        assert await db(Message.objects.count)() == 21
        await socket.disconnect()

    async def test_bad_frames_get_error_frames_and_the_socket_stays_usable(self, space):
        alice = await db(member_of)(space)
        socket = await connect(alice, space.slug)
        bad_frames = ["{not json", "[1, 2]", '"text"', '{"type": "no.such.type"}',
                      '{"type": "message.send", "body": "no client id"}',
                      '{"type": "message.send", "body": "x", "client_id": ""}',
                      '{"type": "message.send", "body": "", "client_id": "e1"}',
                      '{"type": "message.send", "body": "nul \\u0000 inside", "client_id": "e2"}',
                      '{"type": "message.edit", "seq": "one", "body": "x"}',
                      '{"type": "message.send", "body": null, "client_id": "e3"}',
                      '{"type": "message.send", "body": ["a"], "client_id": "e4"}',
                      '{"type": "message.send", "body": "x", "client_id": "e5", "reply_to": true}',
                      '{"type": "message.send", "body": "x", "client_id": "e6", "topic": 7}',
                      '{"type": "reaction.add", "seq": 1, "emoji": null}',
                      '{"type": "read", "seq": -1}',
                      '{"type": "reaction.add", "seq": 99, "emoji": "+1"}']  # fmt: skip
        expected = ["invalid_frame"] * 15 + ["not_found"]
        for frame, code in zip(bad_frames, expected, strict=True):
            await socket.send_to(text_data=frame)
            assert (await receive_until(socket, "error"))["code"] == code, frame
        await socket.send_to(text_data="x" * (64 * 1024 + 1))
        assert (await receive_until(socket, "error"))["code"] == "too_large"
        await socket.send_json_to({"type": "message.send", "body": "y" * 10_001, "client_id": "long"})
        assert (await receive_until(socket, "error"))["code"] == "too_large"
        await socket.send_json_to({"type": "ping"})
        assert await receive_until(socket, "pong") == {"type": "pong"}
        assert await db(Message.objects.count)() == 0
        await socket.disconnect()

    async def test_frames_aimed_at_a_seq_of_another_space_find_nothing(self, space):
        # Alice's own message in another space, at a seq this space does not have: an edit, delete
        # or reaction that looked the message up by seq alone would find it, and she may change it.
        alice = await db(member_of)(space)
        other = await db(Space.objects.create)(slug="elsewhere", name="Elsewhere")
        await db(Membership.objects.create)(space=other, user=alice)
        foreign = await db(post)(other, alice, "mine, elsewhere")
        socket = await connect(alice, space.slug)
        for frame in ({"type": "message.edit", "seq": foreign.seq, "body": "changed from here"},
                      {"type": "message.delete", "seq": foreign.seq},
                      {"type": "reaction.add", "seq": foreign.seq, "emoji": "+1"}):  # fmt: skip
            await socket.send_json_to(frame)
            assert (await receive_until(socket, "error"))["code"] == "not_found", frame
        await socket.disconnect()
        await db(foreign.refresh_from_db)()
        assert (foreign.body, foreign.deleted, foreign.reactions) == ("mine, elsewhere", False, {})

    async def test_edit_delete_and_reactions_are_broadcast(self, space):
        alice, bob = await db(member_of)(space), await db(member_of)(space)
        a, b = await connect(alice, space.slug), await connect(bob, space.slug)
        await a.send_json_to({"type": "message.send", "body": "draft", "client_id": "d1"})
        await receive_until(b, "message.new")
        await a.send_json_to({"type": "message.edit", "seq": 1, "body": "final"})
        updated = await receive_until(b, "message.updated")
        assert (updated["message"]["body"], updated["message"]["edited_at"] is not None) == ("final", True)
        await b.send_json_to({"type": "reaction.add", "seq": 1, "emoji": "👍"})
        assert await receive_until(a, "reaction") == {"type": "reaction", "seq": 1, "reactions": {"👍": 1}}
        await b.send_json_to({"type": "message.edit", "seq": 1, "body": "hijack"})
        assert (await receive_until(b, "error"))["code"] == "forbidden"
        await a.send_json_to({"type": "message.delete", "seq": 1})
        deleted = await receive_until(b, "message.updated")
        assert (deleted["message"]["deleted"], deleted["message"]["body"], deleted["message"]["seq"]) == (True, "", 1)
        await a.disconnect()
        await b.disconnect()

    async def test_typing_goes_to_the_others_at_most_once_per_three_seconds(self, space):
        alice, bob = await db(member_of)(space), await db(member_of)(space)
        a, b = await connect(alice, space.slug), await connect(bob, space.slug)
        await receive_until(a, "presence")
        await a.send_json_to({"type": "typing"})
        await a.send_json_to({"type": "typing"})
        assert await receive_until(b, "typing") == {"type": "typing", "username": alice.username}
        assert await b.receive_nothing(timeout=0.3)
        assert await a.receive_nothing(timeout=0.1)
        await a.disconnect()
        await b.disconnect()

    async def test_read_marks_the_space_read(self, space):
        alice = await db(member_of)(space)
        await db(post)(space, alice)
        socket = await connect(alice, space.slug)
        await socket.send_json_to({"type": "read", "seq": 1})
        await socket.send_json_to({"type": "ping"})
        await receive_until(socket, "pong")
        membership = await db(Membership.objects.get)(space=space, user=alice)
        assert membership.last_read_seq == 1
        await socket.disconnect()


class TestResume:
    async def test_after_replays_exactly_the_missed_messages_then_goes_live(self, space):
        alice = await db(member_of)(space)
        for index in range(10):
            await db(post)(space, alice, f"m{index}")
        socket = await connect(alice, space.slug, after=4)
        assert socket.hello["last_seq"] == 10
        replayed = [(await receive_until(socket, "message.new"))["message"]["seq"] for _ in range(6)]
        assert replayed == [5, 6, 7, 8, 9, 10]
        await db(post)(space, alice, "live")
        assert (await receive_until(socket, "message.new"))["message"]["seq"] == 11
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()

    async def test_more_than_500_missing_sends_the_newest_500_then_truncated(self, space, settings):
        alice = await db(member_of)(space)
        await db(_bulk_messages)(space, alice, 520)
        socket = await connect(alice, space.slug, after=0)
        seqs = [(await receive_until(socket, "message.new"))["message"]["seq"] for _ in range(500)]
        assert seqs == list(range(21, 521))
        assert await socket.receive_json_from(timeout=5) == {"type": "history.truncated", "from_seq": 21}
        await socket.disconnect()

    async def test_messages_committed_during_the_replay_arrive_once_in_order(self, space, settings):
        settings.DISCUSSION_RATE_LIMIT_COUNT = 1000
        alice, bob = await db(member_of)(space), await db(member_of)(space)
        for index in range(30):
            await db(post)(space, alice, f"before {index}")

        async def write_while_resuming():
            for index in range(15):
                await db(post)(space, bob, f"during {index}")

        writer = asyncio.ensure_future(write_while_resuming())
        socket = await connect(alice, space.slug, after=0)
        await writer
        seqs = [(await receive_until(socket, "message.new"))["message"]["seq"] for _ in range(45)]
        assert seqs == list(range(1, 46))
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()


def _bulk_messages(space, author, count):
    Message.objects.bulk_create(
        Message(space=space, seq=seq, author=author, body=f"m{seq}", html=f"<p>m{seq}</p>")
        for seq in range(1, count + 1)
    )
    Space.objects.filter(pk=space.pk).update(last_seq=count)


class TestModeration:
    async def test_ban_closes_the_users_open_sockets_with_4403(self, space):
        moderator = await db(member_of)(space, role=Membership.Role.MODERATOR)
        target = await db(member_of)(space)
        socket = await connect(target, space.slug)
        await db(ban_create)(slug=space.slug, moderator=moderator, username=target.username, reason="spam")
        while True:
            output = await socket.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output["code"] == 4403
        assert await closed_with(target, space.slug) == 4403

    async def test_leaving_a_private_space_closes_the_socket_with_4404(self, private_space):
        insider = await db(member_of)(private_space)
        socket = await connect(insider, private_space.slug)
        await db(space_leave)(slug=private_space.slug, user=insider)
        while True:
            output = await socket.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output["code"] == 4404

    async def test_a_ban_whose_event_was_lost_still_closes_the_socket_at_the_access_recheck(self, space, private_space):
        banned, bystander = await db(member_of)(space), await db(member_of)(space)
        leaver = await db(member_of)(private_space)
        sockets = {
            "banned": await connect(banned, space.slug),
            "bystander": await connect(bystander, space.slug),
            "leaver": await connect(leaver, private_space.slug),
        }
        # Written straight to the database: no close event is published, as if the layer lost it.
        await db(Ban.objects.create)(space=space, user=banned)
        await db(Membership.objects.filter(space=private_space, user=leaver).delete)()
        fanout = current_fanout()
        assert fanout is not None  # the sockets above started it
        await fanout.recheck_access()
        codes = {}
        for name in ("banned", "leaver"):
            while (output := await sockets[name].receive_output(timeout=1))["type"] != "websocket.close":
                pass
            codes[name] = output["code"]
        assert codes == {"banned": 4403, "leaver": 4404}
        await sockets["bystander"].send_json_to({"type": "ping"})
        assert await receive_until(sockets["bystander"], "pong") == {"type": "pong"}
        await sockets["bystander"].disconnect()

    async def test_rest_post_is_broadcast_like_a_socket_send(self, space, client):
        alice = await db(member_of)(space)
        socket = await connect(alice, space.slug)
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(alice)
        response = await db(api.post)(f"/api/v1/spaces/{space.slug}/messages/", {"body": "via REST", "client_id": "r1"},
                                      format="json")  # fmt: skip
        assert response.status_code == 201
        frame = await receive_until(socket, "message.new")
        assert frame["message"] == response.json()
        await socket.disconnect()
