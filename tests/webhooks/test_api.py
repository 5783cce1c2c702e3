"""The webhooks REST API: who may register and manage webhooks, bad input, the write-only secret,
the delivery log and redelivery."""

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import token_for
from discussions.models import Membership
from tests.factories import UserFactory
from tests.webhooks.conftest import SECRET, member, webhook
from webhooks.models import Delivery, DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://hooks.example.org/in"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """hooks.example.org resolves to a public address; internal.example.org to a private one."""
    real = socket.getaddrinfo
    answers = {"hooks.example.org": "93.184.215.14", "internal.example.org": "10.0.0.8"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def client_of(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def body(**fields):
    return {"url": PUBLIC_URL, "events": ["message.new"], "secret": SECRET, **fields}


def test_staff_register_a_webhook_for_the_whole_hub_and_the_secret_is_never_returned(staff_user):
    response = client_of(staff_user).post("/api/v1/webhooks/", body(events=["message.new", "event.published"]))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["url"] == PUBLIC_URL
    assert created["events"] == ["event.published", "message.new"]
    assert created["space"] is None
    assert created["owner"] == staff_user.username
    assert created["active"] is True
    assert "secret" not in created
    assert SECRET not in response.content.decode()
    listed = client_of(staff_user).get("/api/v1/webhooks/").json()
    assert SECRET not in str(listed)
    assert Webhook.objects.get(pk=created["id"]).secret == SECRET


@pytest.mark.parametrize(
    ("who", "space", "status"),
    [
        ("staff", None, 201),
        ("staff", "own", 201),
        ("moderator", "own", 201),
        ("moderator", None, 403),
        ("moderator", "other", 403),
        ("member", "own", 403),
        ("user", None, 403),
        ("user", "own", 403),
        ("anonymous", None, 401),
    ],
)
def test_who_may_register(public_space, who, space, status):
    other = type(public_space).objects.create(slug="elsewhere", name="Elsewhere")
    users = {
        "staff": UserFactory.create(is_staff=True),
        "moderator": member(public_space, role=Membership.Role.MODERATOR),
        "member": member(public_space),
        "user": UserFactory.create(),
        "anonymous": None,
    }
    member(other, role=Membership.Role.MODERATOR)
    slug = {"own": public_space.slug, "other": other.slug, None: None}[space]
    response = client_of(users[who]).post("/api/v1/webhooks/", body(space=slug))
    assert response.status_code == status, response.content
    assert Webhook.objects.count() == (1 if status == 201 else 0)


def test_a_private_space_the_caller_cannot_see_is_no_such_space(private_space):
    response = client_of(UserFactory.create()).post("/api/v1/webhooks/", body(space=private_space.slug))
    assert response.status_code == 400
    assert "space" in response.json()


def test_a_moderator_of_a_private_space_registers_for_it(private_space):
    moderator = member(private_space, role=Membership.Role.MODERATOR)
    response = client_of(moderator).post("/api/v1/webhooks/", body(space=private_space.slug))
    assert response.status_code == 201
    assert response.json()["space"] == private_space.slug


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://hooks.example.org/x"}, "url"),
        ({"url": "http://127.0.0.1:8000/hook"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
        ({"url": "https://internal.example.org/hook"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["message.deleted"]}, "events"),
        ({"events": ["message.new", "message.new"]}, "events"),
        ({"secret": "short"}, "secret"),
        ({"space": "no-such-space"}, "space"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(staff_user, settings, fields, field):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client_of(staff_user).post("/api/v1/webhooks/", body(**fields))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Webhook.objects.exists()


def test_a_missing_secret_is_a_400(staff_user):
    data = body()
    del data["secret"]
    response = client_of(staff_user).post("/api/v1/webhooks/", data)
    assert response.status_code == 400
    assert "secret" in response.json()


def test_private_addresses_are_accepted_when_the_hub_allows_them(staff_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert client_of(staff_user).post("/api/v1/webhooks/", body(url="http://127.0.0.1:9/hook")).status_code == 201


def test_each_caller_sees_and_manages_only_their_own_and_their_spaces_webhooks(public_space):
    moderator = member(public_space, role=Membership.Role.MODERATOR)
    co_moderator = member(public_space, role=Membership.Role.MODERATOR)
    staff = UserFactory.create(is_staff=True)
    of_space = webhook(PUBLIC_URL, space=public_space, owner=moderator)
    global_hook = webhook(PUBLIC_URL, owner=staff)
    stranger = UserFactory.create()

    def ids(user):
        return [item["id"] for item in client_of(user).get("/api/v1/webhooks/").json()["results"]]

    assert ids(moderator) == [of_space.pk]
    assert ids(co_moderator) == [of_space.pk]
    assert sorted(ids(staff)) == sorted([of_space.pk, global_hook.pk])
    assert ids(stranger) == []
    assert client_of(stranger).get(f"/api/v1/webhooks/{of_space.pk}/").status_code == 404
    assert client_of(moderator).get(f"/api/v1/webhooks/{global_hook.pk}/").status_code == 404
    assert client_of(stranger).delete(f"/api/v1/webhooks/{of_space.pk}/").status_code == 404
    assert client_of(moderator).get(f"/api/v1/webhooks/{of_space.pk}/").json()["id"] == of_space.pk
    assert client_of(co_moderator).delete(f"/api/v1/webhooks/{of_space.pk}/").status_code == 204
    assert not Webhook.objects.filter(pk=of_space.pk).exists()
    assert client_of(None).get("/api/v1/webhooks/").status_code == 401


def test_the_delivery_log_shows_each_attempt_with_status_and_time(staff_user):
    hook = webhook(PUBLIC_URL, owner=staff_user)
    delivery = Delivery.objects.create(
        webhook=hook, event="message.new", data={"id": 1}, state=Delivery.State.DELIVERED, attempts=2, status_code=200
    )
    DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=delivery.created_at, status_code=500)
    DeliveryAttempt.objects.create(delivery=delivery, number=2, started_at=delivery.created_at, status_code=200)
    response = client_of(staff_user).get(f"/api/v1/webhooks/{hook.pk}/deliveries/")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == delivery.pk
    assert item["status"] == "delivered"
    assert [(a["number"], a["status_code"]) for a in item["attempts"]] == [(1, 500), (2, 200)]
    assert all(a["at"] for a in item["attempts"])


def test_deliveries_list_is_constant_in_queries(staff_user):
    hook = webhook(PUBLIC_URL, owner=staff_user)
    client = client_of(staff_user)

    def count_for(n):
        Delivery.objects.filter(webhook=hook).delete()
        for i in range(n):
            delivery = Delivery.objects.create(webhook=hook, event="message.new", data={"i": i})
            DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=delivery.created_at, status_code=500)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]) == n
        return len(queries)

    assert count_for(2) == count_for(12)


def test_webhooks_list_is_constant_in_queries(staff_user, public_space):
    client = client_of(staff_user)

    def count_for(n):
        Webhook.objects.all().delete()
        for _ in range(n):
            webhook(PUBLIC_URL, space=public_space, owner=UserFactory.create())
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/api/v1/webhooks/").json()["results"]) == n
        return len(queries)

    assert count_for(2) == count_for(12)


def test_redeliver_queues_a_new_delivery_of_the_same_data_after_the_others(
    staff_user, django_capture_on_commit_callbacks
):
    hook = webhook(PUBLIC_URL, owner=staff_user)
    failed = Delivery.objects.create(
        webhook=hook, event="message.new", data={"id": 5}, state=Delivery.State.FAILED, attempts=30
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_of(staff_user).post(f"/api/v1/webhooks/{hook.pk}/deliveries/{failed.pk}/redeliver/")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["id"] > failed.pk
    assert (copy["status"], copy["redelivery_of"], copy["data"], copy["attempts"]) == (
        "pending",
        failed.pk,
        {"id": 5},
        [],
    )
    assert len(callbacks) == 1  # its sender is enqueued after commit


def test_redeliver_refuses_a_delivery_under_way_a_disabled_webhook_and_strangers(staff_user, public_space):
    hook = webhook(PUBLIC_URL, owner=staff_user)
    pending = Delivery.objects.create(webhook=hook, event="message.new", data={})
    url = f"/api/v1/webhooks/{hook.pk}/deliveries/{pending.pk}/redeliver/"
    assert client_of(staff_user).post(url).status_code == 409
    assert client_of(UserFactory.create()).post(url).status_code == 404
    Delivery.objects.filter(pk=pending.pk).update(state=Delivery.State.DELIVERED)
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    assert client_of(staff_user).post(url).status_code == 409
    assert client_of(staff_user).post(f"/api/v1/webhooks/{hook.pk}/deliveries/999999/redeliver/").status_code == 404
    assert Delivery.objects.count() == 1


def test_a_disabled_webhook_is_enabled_again_and_disabling_skips_its_queue(staff_user):
    hook = webhook(PUBLIC_URL, owner=staff_user)
    waiting = Delivery.objects.create(webhook=hook, event="message.new", data={})
    client = client_of(staff_user)
    off = client.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    waiting.refresh_from_db()
    assert waiting.state == Delivery.State.SKIPPED
    on = client.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": True})
    assert on.json()["active"] is True and on.json()["disabled_at"] is None
    assert client.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": "maybe"}).status_code == 400


def test_a_moderator_removed_from_the_space_no_longer_sees_its_webhooks_or_their_logs(private_space):
    moderator = member(private_space, role=Membership.Role.MODERATOR)
    hook = webhook(PUBLIC_URL, space=private_space, owner=moderator)
    client = client_of(moderator)
    assert client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").status_code == 200
    Membership.objects.filter(user=moderator).update(role=Membership.Role.MEMBER)
    assert client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").status_code == 404
    assert client.get("/api/v1/webhooks/").json()["results"] == []
