"""An asker's last question of the day posted in several spaces at once, on PostgreSQL: each space
lock orders only its own space, so the asker's user row lock is what keeps the limit exact.

Each post runs in a thread of its own (its own database connection), all released at once. Without
the user lock, each post counts the two earlier questions and all of them pass.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from discussions.models import Membership, Message, Space
from discussions.services.posting import message_post
from experts.models import ExpertQuestion
from experts.questions.limits import ASKS_PER_DAY
from hub.errors import HubError
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

QUESTION = "@objective-9-experts who can help?"


def test_the_last_question_of_the_day_posted_in_three_spaces_at_once_passes_once():
    asker = UserFactory.create()
    spaces = [Space.objects.create(slug=f"space-{n}", name=f"Space {n}") for n in range(3)]
    Membership.objects.bulk_create([Membership(space=space, user=asker) for space in spaces])
    for _ in range(ASKS_PER_DAY - 1):
        message_post(slug="space-0", author=asker, body=QUESTION)
    start = threading.Barrier(len(spaces))

    def post(space: Space) -> str:
        try:
            start.wait(timeout=10)
            message_post(slug=space.slug, author=asker, body=QUESTION)
            return "posted"
        except HubError as refusal:
            return refusal.code.value
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(spaces)) as pool:
        outcomes = sorted(pool.map(post, spaces))
    assert outcomes == ["posted", "rate_limited", "rate_limited"]
    assert ExpertQuestion.objects.filter(asker=asker).count() == ASKS_PER_DAY
    assert Message.objects.filter(author=asker).count() == ASKS_PER_DAY
