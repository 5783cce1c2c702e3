"""Asking an objective's experts end to end: messages posted over HTTP to a real server, the
question's task run by a real Celery worker on real Redis, emails to a real SMTP server.

The right experts are told once each (in the Hub, and by email per their preference), a retried
task tells nobody again, and the fourth question of the day is refused and tells nobody. "Nothing
more happened" is read only after a later question's effects have arrived (the worker's solo pool
runs its queue in order).
"""

import json
import urllib.error
import urllib.request
from collections import Counter
from typing import Any

import pytest

from accounts.models import User
from accounts.services import token_for
from discussions.models import Membership, Message, Space
from experts.models import Expert, ExpertAsk, ExpertQuestion
from experts.tasks import expert_question_notify_task
from notifications.models import Notification, NotificationPreference
from tests.e2e.processes import start_uvicorn, stop, wait_until
from tests.e2e.test_events_delivery import WAIT, hub_env, sink, worker_factory  # noqa: F401  (fixtures)
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

QUESTION = Notification.Kind.EXPERT_QUESTION


def post_over_http(port: int, slug: str, user: User, body: str) -> tuple[int, dict[str, Any], str | None]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/spaces/{slug}/messages/",
        method="POST",
        headers={
            "Authorization": f"Token {token_for(user)}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        data=json.dumps({"body": body}).encode(),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test server on loopback)
            return int(response.status), json.loads(response.read()), None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Retry-After")


def account(expert: Expert) -> User:
    """The expert's account (``expert`` always makes one)."""
    assert expert.user is not None
    return expert.user


def expert(objectives: list[str], **fields: Any) -> Expert:
    return ExpertFactory.create(user=UserFactory.create(), objectives=objectives, keywords=[], **fields)


def told(message_id: int) -> Counter[int]:
    return Counter(
        Notification.objects.filter(kind=QUESTION, source_key=f"expert-question:{message_id}").values_list(
            "recipient_id", flat=True
        )
    )


def test_a_group_mention_tells_the_right_experts_once_each_and_the_daily_limit_holds(
    tmp_path,
    sink,  # noqa: F811
    worker_factory,  # noqa: F811
):
    worker = worker_factory(hub_env(sink))
    server, port = start_uvicorn(hub_env(sink), tmp_path / "uvicorn.log")
    try:
        space = Space.objects.create(slug="returns", name="Returns", visibility=Space.Visibility.PUBLIC)
        asker, later_asker = UserFactory.create_batch(2)
        Membership.objects.bulk_create([Membership(space=space, user=user) for user in (asker, later_asker)])
        by_email = [expert(["9"], bio="Return and readmission procedures."), expert(["9", "10"])]
        in_digest = expert(["9"])
        NotificationPreference.objects.create(user=account(in_digest), email=NotificationPreference.Email.DAILY_DIGEST)
        chosen = [*by_email, in_digest]
        expert(["9"], accepts_contact=False)
        expert(["10"])

        asked = []
        for number in range(3):
            status, message, _retry = post_over_http(
                port, space.slug, asker, f"@objective-9-experts question {number} on return procedures"
            )
            assert status == 201, message
            assert message["mentions"] == ["objective-9-experts"]
            asked.append(message["id"])
        status, refusal, retry_after = post_over_http(port, space.slug, asker, "@objective-9-experts one more?")
        assert (status, refusal["code"]) == (429, "rate_limited")
        assert retry_after is not None and int(retry_after) > 0

        def all_told() -> bool:
            return ExpertQuestion.objects.filter(notified_at__isnull=False).count() == 3 and sink.count() >= 6

        assert wait_until(all_told, timeout=WAIT), worker.tail()
        # The tasks again (a redelivery), then a later question: once its emails are in, the
        # repeats before it in the queue have run.
        for question in ExpertQuestion.objects.all():
            expert_question_notify_task.delay(question.pk)
        status, marker, _retry = post_over_http(port, space.slug, later_asker, "@objective-9-experts and mine?")
        assert status == 201, marker
        assert wait_until(lambda: sink.count() >= 8, timeout=WAIT), worker.tail()
        assert wait_until(lambda: sum(told(marker["id"]).values()) == 3, timeout=WAIT)
    finally:
        stop(server)

    expected = Counter({expert.user_id: 1 for expert in chosen})
    for message_id in [*asked, marker["id"]]:
        assert told(message_id) == expected
    assert Message.objects.filter(space=space).count() == 4  # the refused question is not stored
    assert ExpertQuestion.objects.count() == 4
    assert ExpertAsk.objects.count() == 4 * 3
    # Email per preference: the two "immediate" experts once per question; the digest reader none.
    assert sink.recipients() == Counter({account(expert).email: 4 for expert in by_email})
