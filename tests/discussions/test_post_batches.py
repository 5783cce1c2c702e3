"""Posting several messages in one transaction, and the per-process queue that forms the batches."""

import asyncio
import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import Ban, Membership, Message, Mute
from discussions.services.posting import PostRequest, PostResult, message_post, message_post_many
from hub.errors import ErrorCode, HubError
from realtime.write_batches import StreamWriteBatcher
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(outcomes) -> list[str]:
    return [outcome.code if isinstance(outcome, HubError) else "ok" for outcome in outcomes]


def ok(outcome: object) -> PostResult:
    assert isinstance(outcome, PostResult), outcome
    return outcome


def refused(outcome: object) -> HubError:
    assert isinstance(outcome, HubError), outcome
    return outcome


@dataclass(frozen=True)
class Post:
    """A write as the batcher sees it: any request (the batcher knows nothing of posts)."""

    body: str


class TestMessagePostMany:
    def test_a_batch_takes_consecutive_seqs_in_request_order(self, space, member):
        other = member_of(space)
        requests = [PostRequest(author=author, body=f"m{index}") for index, author in enumerate([member, other] * 3)]
        outcomes = [ok(outcome) for outcome in message_post_many(slug=space.slug, requests=requests)]
        assert [outcome.message.seq for outcome in outcomes] == [1, 2, 3, 4, 5, 6]
        assert [outcome.message.body for outcome in outcomes] == [f"m{index}" for index in range(6)]
        assert list(Message.objects.values_list("seq", "body")) == [(seq, f"m{seq - 1}") for seq in range(1, 7)]
        space.refresh_from_db()
        assert space.last_seq == 6

    def test_the_batch_is_one_lock_one_facts_read_one_insert(self, space, member):
        requests = [PostRequest(author=member_of(space), body="hi") for _ in range(10)]
        with CaptureQueriesContext(connection) as queries:
            message_post_many(slug=space.slug, requests=requests)
        statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
        assert statements.count("INSERT") == 1
        assert statements.count("UPDATE") == 1
        assert len(statements) <= 7  # (BEGIN,) lock, facts, update, insert, (COMMIT)

    def test_each_refusal_is_its_own_and_changes_nothing_for_the_others(self, space, member, private_space):
        banned, muted, outsider = member_of(space), member_of(space), UserFactory.create()
        Ban.objects.create(space=space, user=banned)
        Mute.objects.create(space=space, user=muted)
        requests = [
            PostRequest(author=member, body="first"),
            PostRequest(author=member, body=""),
            PostRequest(author=banned, body="let me in"),
            PostRequest(author=muted, body="hear me"),
            PostRequest(author=outsider, body="not a member"),
            PostRequest(author=member, body="reply", reply_to=99),
            PostRequest(author=member, body="last"),
        ]
        outcomes = message_post_many(slug=space.slug, requests=requests)
        assert codes(outcomes) == ["ok", "invalid_frame", "forbidden", "muted", "not_member", "not_found", "ok"]
        assert [outcome.message.seq for outcome in outcomes if isinstance(outcome, PostResult)] == [1, 2]
        assert list(Message.objects.values_list("body", flat=True)) == ["first", "last"]

    def test_a_client_id_repeated_in_the_batch_is_one_message(self, space, member):
        requests = [PostRequest(author=member, body="once", client_id="c1"),
                    PostRequest(author=member, body="again?", client_id="c1")]  # fmt: skip
        first, again = [ok(outcome) for outcome in message_post_many(slug=space.slug, requests=requests)]
        assert first.created and not again.created
        assert again.message.pk == first.message.pk
        assert Message.objects.count() == 1

    def test_a_client_id_stored_earlier_returns_the_original(self, space, member):
        original = message_post(slug=space.slug, author=member, body="stored", client_id="c1").message
        (again,) = message_post_many(slug=space.slug, requests=[PostRequest(author=member, body="x", client_id="c1")])
        again = ok(again)
        assert not again.created
        assert (again.message.pk, again.message.body, again.message.author.username) == (
            original.pk,
            "stored",
            member.username,
        )

    def test_the_rate_limit_counts_the_batch_own_earlier_messages(self, space, member, settings, time_machine):
        settings.DISCUSSION_RATE_LIMIT_COUNT = 3
        time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), tick=False)
        message_post(slug=space.slug, author=member, body="before")
        other = member_of(space)
        requests = [PostRequest(author=member, body=f"m{index}") for index in range(4)]
        requests.append(PostRequest(author=other, body="someone else"))
        outcomes = message_post_many(slug=space.slug, requests=requests)
        assert codes(outcomes) == ["ok", "ok", "rate_limited", "rate_limited", "ok"]
        # The oldest of the three in the window leaves it 10 seconds from now (the clock stands still).
        assert [outcome.retry_after for outcome in outcomes if isinstance(outcome, HubError)] == [10, 10]

    def test_slow_mode_allows_one_message_per_author_in_a_batch(self, space, member):
        space.slow_mode_seconds = 30
        space.save()
        moderator = member_of(space, role=Membership.Role.MODERATOR)
        posts = ((member, "one"), (member, "two"), (moderator, "mod"), (moderator, "again"))
        requests = [PostRequest(author=author, body=body) for author, body in posts]
        outcomes = message_post_many(slug=space.slug, requests=requests)
        assert codes(outcomes) == ["ok", "slow_mode", "ok", "ok"]
        assert refused(outcomes[1]).retry_after == 30

    def test_an_unknown_space_refuses_every_post(self, db, member):
        outcomes = message_post_many(slug="nowhere", requests=[PostRequest(author=member, body="hi")] * 2)
        assert codes(outcomes) == ["not_found", "not_found"]

    def test_a_private_space_is_not_found_for_outsiders_in_a_batch(self, private_space):
        insider, outsider = member_of(private_space), UserFactory.create()
        requests = [PostRequest(author=outsider, body="hello?"), PostRequest(author=insider, body="inside")]
        assert codes(message_post_many(slug=private_space.slug, requests=requests)) == ["not_found", "ok"]


class TestStreamWriteBatcher:
    async def test_posts_arriving_during_a_write_go_together_in_the_next(self):
        batches: list[list[str]] = []
        release = asyncio.Event()

        async def write(requests):
            batches.append([request.body for request in requests])
            if len(batches) == 1:
                await release.wait()  # the first write is slow; the others queue meanwhile
            return [PostResult(message=Message(body=request.body), created=True) for request in requests]

        queue = StreamWriteBatcher(write, batch_max=100)
        posts = [asyncio.ensure_future(queue.submit(Post(body="m0")))]
        while not batches:
            await asyncio.sleep(0)  # until the first write is under way
        posts += [asyncio.ensure_future(queue.submit(Post(body=f"m{index}"))) for index in range(1, 6)]
        await asyncio.sleep(0)
        release.set()
        results = await asyncio.gather(*posts)
        assert [result.message.body for result in results] == [f"m{index}" for index in range(6)]
        assert batches == [["m0"], ["m1", "m2", "m3", "m4", "m5"]]

    async def test_batches_are_capped_and_each_post_gets_its_own_outcome(self):
        sizes: list[int] = []

        async def write(requests):
            sizes.append(len(requests))
            await asyncio.sleep(0.01)
            return [HubError(ErrorCode.MUTED, "no") if request.body == "bad"
                    else PostResult(Message(body=request.body), True) for request in requests]  # fmt: skip

        queue = StreamWriteBatcher(write, batch_max=3)
        bodies = ["a", "bad", "c", "d", "bad", "f", "g"]
        outcomes = await asyncio.gather(*(queue.submit(Post(body=body)) for body in bodies), return_exceptions=True)
        labels = [outcome.code if isinstance(outcome, HubError) else ok(outcome).message.body for outcome in outcomes]
        assert labels == ["a", "muted", "c", "d", "muted", "f", "g"]
        assert max(sizes) <= 3
        assert sum(sizes) == len(bodies)

    async def test_a_failed_write_fails_its_batch_and_the_queue_goes_on(self):
        calls = 0

        async def write(requests):
            nonlocal calls
            calls += 1
            if calls == 1:
                raise ConnectionError("database away")
            return [PostResult(Message(body=request.body), True) for request in requests]

        queue = StreamWriteBatcher(write, batch_max=100)
        with pytest.raises(ConnectionError):
            await queue.submit(Post(body="lost"))
        assert (await queue.submit(Post(body="kept"))).message.body == "kept"
