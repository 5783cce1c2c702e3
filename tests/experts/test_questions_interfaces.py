"""Asking experts through the space socket and the REST API: the message's ``mentions`` lists the
group, and the fourth ask in a day gets the socket's ``rate_limited`` error frame (with
``retry_after``) or REST's 429 with ``Retry-After``, storing nothing."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async as db
from rest_framework.test import APIClient

from discussions.models import Message, Space
from experts.models import ExpertQuestion
from tests.discussions.conftest import connect, fanout_cleanup, member_of, receive_until  # noqa: F401 (a fixture)

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
QUESTION = "@objective-9-experts who knows the return procedures?"


@pytest.fixture
def space(db):
    return Space.objects.create(slug="returns", name="Returns", visibility=Space.Visibility.PUBLIC)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_the_socket_lists_the_group_and_refuses_the_fourth_ask_of_the_day(space, time_machine):
    time_machine.move_to(NOON, tick=False)
    asker = await db(member_of)(space)
    socket = await connect(asker, space.slug)
    for index in range(3):
        time_machine.move_to(NOON + dt.timedelta(hours=index), tick=False)
        await socket.send_json_to({"type": "message.send", "body": QUESTION, "client_id": f"q{index}"})
        frame = await receive_until(socket, "message.new")
        assert frame["message"]["mentions"] == ["objective-9-experts"]
        assert frame["message"]["client_id"] == f"q{index}"
    time_machine.move_to(NOON + dt.timedelta(hours=4), tick=False)
    await socket.send_json_to({"type": "message.send", "body": QUESTION, "client_id": "q3"})
    error = await receive_until(socket, "error")
    assert (error["code"], error["client_id"], error["retry_after"]) == ("rate_limited", "q3", 20 * 3600)
    assert await db(Message.objects.count)() == 3
    assert await db(ExpertQuestion.objects.count)() == 3
    # A message that asks nothing still goes through.
    await socket.send_json_to({"type": "message.send", "body": "thanks all", "client_id": "plain"})
    assert (await receive_until(socket, "message.new"))["message"]["seq"] == 4
    await socket.disconnect()


@pytest.mark.django_db
def test_rest_lists_the_group_and_answers_429_with_retry_after_on_the_fourth_ask(space, time_machine):
    time_machine.move_to(NOON, tick=False)
    asker = member_of(space)
    client = APIClient()
    client.force_authenticate(asker)
    url = f"/api/v1/spaces/{space.slug}/messages/"
    for _ in range(3):
        response = client.post(url, {"body": QUESTION}, format="json")
        assert response.status_code == 201
        assert response.json()["mentions"] == ["objective-9-experts"]
    time_machine.shift(dt.timedelta(hours=1))
    response = client.post(url, {"body": QUESTION}, format="json")
    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (429, "rate_limited", "82800")
    assert Message.objects.count() == 3
    assert ExpertQuestion.objects.count() == 3
    space.refresh_from_db()
    assert space.last_seq == 3
