"""Every list endpoint of discussions answers in as many queries for 20 rows as for 2 (no N+1).

Each test makes 2 rows, counts the queries of one GET, makes 18 more and asserts the very same
count with all 20 in the answer. Rows carry every relation their payload shows (authors,
topics, reporters, actors, targets, editors), so a relation read row by row shows up as 18 more
queries. tests/gcm/test_api.py does the same for the taxonomy lists (fixed rows, exact counts).
"""

from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from discussions.models import (
    Membership,
    Message,
    MessageRevision,
    ModerationAction,
    Report,
    Space,
    Topic,
)
from gcm.models import Objective, Region
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_numbers = count(1)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_queries_do_not_grow(client: APIClient, url: str, add_rows: Callable[[int], object], rows_in) -> None:
    """GET ``url`` with 2 rows and with 20 (``add_rows(n)`` adds n); ``rows_in`` picks the rows."""

    def get() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        return len(queries), len(rows_in(response.json()))

    add_rows(2)
    queries_for_2, rows = get()
    assert rows == 2
    add_rows(18)
    queries_for_20, rows = get()
    assert rows == 20
    assert queries_for_20 == queries_for_2, f"{url}: {queries_for_2} queries for 2 rows, {queries_for_20} for 20"


def results(body: dict) -> list:
    return body["results"]


def add_messages(space: Space, n: int, *, topic: Topic | None = None) -> list[Message]:
    """``n`` messages by ``n`` authors, each in a topic, replying, mentioning and reacted to."""
    if topic is None:
        topic, _ = Topic.objects.get_or_create(space=space, name="Data")
    made = []
    for _ in range(n):
        space.last_seq += 1
        author = member_of(space)
        fields = {"body": f"negotiation {space.last_seq}", "html": "<p>x</p>", "mentions": [author.username],
                  "reply_to_seq": space.last_seq - 1 or None, "reactions": {"👍": 2}}  # fmt: skip
        made.append(Message.objects.create(space=space, seq=space.last_seq, author=author, topic=topic, **fields))
    Space.objects.filter(pk=space.pk).update(last_seq=space.last_seq)
    return made


def test_spaces_list(taxonomy):
    caller = UserFactory.create()
    objective, region = Objective.objects.get(key="9"), Region.objects.get(slug="africa")
    Space.objects.all().delete()  # the migrations' objective spaces; counted rows are the test's own

    def add(n):
        for _ in range(n):
            number = next(_numbers)
            public = Space.objects.create(slug=f"public-{number}", name=f"Public {number}", objective=objective,
                                          region=region)  # fmt: skip
            member_of(public)
            if number % 2:  # half of them private ones the caller belongs to
                Space.objects.filter(pk=public.pk).update(visibility=Space.Visibility.PRIVATE)
                Membership.objects.create(space=public, user=caller)

    assert_queries_do_not_grow(as_user(caller), "/api/v1/spaces/", add, results)


def test_topics_list(space):
    def add(n):
        for _ in range(n):
            add_messages(space, 1, topic=Topic.objects.create(space=space, name=f"Topic {next(_numbers)}"))

    assert_queries_do_not_grow(as_user(UserFactory.create()), f"/api/v1/spaces/{space.slug}/topics/", add, results)


def test_members_list(space):
    assert_queries_do_not_grow(
        as_user(UserFactory.create()),
        f"/api/v1/spaces/{space.slug}/members/",
        lambda n: [member_of(space) for _ in range(n)],
        results,
    )


def test_reports_list(space, moderator):
    def add(n):
        for message in add_messages(space, n):
            Report.objects.create(message=message, reporter=member_of(space), reason="spam")

    assert_queries_do_not_grow(as_user(moderator), f"/api/v1/spaces/{space.slug}/reports/", add, results)


def test_moderation_log_list(space, moderator):
    def add(n):
        for _ in range(n):
            ModerationAction.objects.create(space=space, actor=moderator, kind=ModerationAction.Kind.BAN,
                                            target_user=member_of(space), reason="spam")  # fmt: skip

    assert_queries_do_not_grow(as_user(moderator), f"/api/v1/spaces/{space.slug}/moderation-log/", add, results)


@pytest.mark.parametrize("query", ["", "?after=0", "?before=1000", "?topic=Data", "?q=negotiation"])
def test_messages_list(space, query):
    assert_queries_do_not_grow(
        as_user(UserFactory.create()),
        f"/api/v1/spaces/{space.slug}/messages/{query}",
        lambda n: add_messages(space, n),
        results,
    )


def test_message_revisions_list(space, moderator):
    (message,) = add_messages(space, 1)

    def add(n):
        for _ in range(n):
            MessageRevision.objects.create(message=message, body="earlier", replaced_by=member_of(space))

    assert_queries_do_not_grow(as_user(moderator), f"/api/v1/messages/{message.pk}/revisions/", add, results)
