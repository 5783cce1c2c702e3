"""The REST inbox: only the caller's notifications, newest first; read one, read all."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def make(recipient, n: int, **fields) -> Notification:
    fields.setdefault("kind", Notification.Kind.MENTION)
    return Notification.objects.create(recipient=recipient, title=f"N{n}", source_key=f"test:{n}", **fields)


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


def test_inbox_lists_only_the_callers_notifications_newest_first(time_machine):
    amina, bo = UserFactory.create(), UserFactory.create()
    time_machine.move_to(NOON, tick=False)
    for n in range(3):
        make(amina, n)
        time_machine.shift(dt.timedelta(minutes=1))
    make(bo, 99)
    response = as_user(amina).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert titles(response) == ["N2", "N1", "N0"]
    first = body["results"][0]
    assert first == {
        "id": first["id"],
        "kind": "mention",
        "title": "N2",
        "body": "",
        "url": "",
        "created_at": "2026-03-02T12:02:00+00:00",
        "read_at": None,
    }


def test_same_instant_notifications_are_ordered_newest_id_first(time_machine):
    time_machine.move_to(NOON, tick=False)
    amina = UserFactory.create()
    for n in range(3):
        make(amina, n)
    assert titles(as_user(amina).get("/api/v1/notifications/")) == ["N2", "N1", "N0"]


def test_unread_filter_leaves_out_read_ones():
    amina = UserFactory.create()
    make(amina, 0, read_at=NOON)
    make(amina, 1)
    assert titles(as_user(amina).get("/api/v1/notifications/?unread=true")) == ["N1"]
    assert titles(as_user(amina).get("/api/v1/notifications/?unread=false")) == ["N1", "N0"]


def test_unread_must_be_a_boolean():
    response = as_user(UserFactory.create()).get("/api/v1/notifications/?unread=perhaps")
    assert response.status_code == 400
    assert "unread" in response.json()


def test_inbox_needs_authentication():
    assert APIClient().get("/api/v1/notifications/").status_code == 401
    assert APIClient().post("/api/v1/notifications/read-all/").status_code == 401


def test_inbox_is_paginated():
    amina = UserFactory.create()
    for n in range(55):
        make(amina, n)
    first = as_user(amina).get("/api/v1/notifications/").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (55, 50, None)
    second = as_user(amina).get(first["next"]).json()
    assert len(second["results"]) == 5


def test_marking_one_read_sets_read_at_and_keeps_the_first_time(time_machine):
    time_machine.move_to(NOON, tick=False)
    amina = UserFactory.create()
    notification = make(amina, 0)
    client = as_user(amina)
    response = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] == "2026-03-02T12:00:00+00:00"
    time_machine.shift(dt.timedelta(hours=1))
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").json()["read_at"] == (
        "2026-03-02T12:00:00+00:00"
    )
    notification.refresh_from_db()
    assert notification.read_at == NOON


def test_someone_elses_notification_is_not_found_and_stays_unread():
    amina, bo = UserFactory.create(), UserFactory.create()
    theirs = make(bo, 0)
    response = as_user(amina).post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert as_user(amina).post("/api/v1/notifications/999999/read/").status_code == 404


def test_read_all_marks_only_the_callers_unread_ones(time_machine):
    time_machine.move_to(NOON, tick=False)
    amina, bo = UserFactory.create(), UserFactory.create()
    earlier = NOON - dt.timedelta(days=1)
    make(amina, 0, read_at=earlier)
    make(amina, 1)
    make(amina, 2)
    make(bo, 3)
    response = as_user(amina).post("/api/v1/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked_read": 2}
    assert as_user(amina).get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert Notification.objects.get(title="N0").read_at == earlier  # already read: unchanged
    assert Notification.objects.get(title="N3").read_at is None


def test_notifications_list(django_assert_num_queries):
    """The inbox answers in the same two queries (its count and its page) for 2 rows and for 20: no N+1."""
    amina = UserFactory.create()
    client = as_user(amina)  # force_authenticate: the caller costs no query
    for rows in (2, 20):
        while Notification.objects.count() < rows:
            make(amina, Notification.objects.count())
        with django_assert_num_queries(2):
            response = client.get("/api/v1/notifications/?unread=true")
        assert len(response.json()["results"]) == rows
