"""Deliveries are written with their cause: which webhooks hear what, set-based, and nothing on the
hot path while no webhook listens."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from discussions.models import Membership
from discussions.services.editing import message_delete, message_edit
from discussions.services.posting import PostRequest, message_post, message_post_many
from events.models import Event
from events.services.events import event_cancel, event_publish
from tests.events.factories import EventFactory
from tests.experts.factories import ResourceFactory
from tests.factories import UserFactory
from tests.webhooks.conftest import member, webhook
from webhooks.models import Delivery
from webhooks.outbox import webhooks_resource_approved

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/in"


def deliveries(hook) -> list[tuple[str, dict]]:
    return list(Delivery.objects.filter(webhook=hook).order_by("pk").values_list("event", "data"))


def test_a_message_costs_no_webhook_query_while_no_webhook_listens(public_space):
    author = member(public_space)
    message_post(slug=public_space.slug, author=author, body="warm-up")
    with CaptureQueriesContext(connection) as queries:
        message_post(slug=public_space.slug, author=author, body="nobody listens")
    assert not any("webhooks_" in query["sql"] for query in queries.captured_queries)
    assert not Delivery.objects.exists()


def test_a_webhook_registered_is_heard_at_once_in_the_same_process(public_space, django_capture_on_commit_callbacks):
    from webhooks.services import webhook_register

    author = member(public_space)
    message_post(slug=public_space.slug, author=author, body="before: cached as nobody listening")
    staff = UserFactory.create(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        hook = webhook_register(by=staff, url="https://93.184.215.14/in", events=["message.new"], secret="x" * 16)
    message_post(slug=public_space.slug, author=author, body="after")
    assert [data["body"] for _event, data in deliveries(hook)] == ["after"]


def test_public_messages_reach_unscoped_and_scoped_webhooks_private_ones_only_their_space(public_space, private_space):
    everywhere = webhook(URL)
    of_public = webhook(URL, space=public_space)
    of_private = webhook(URL, space=private_space)
    other_events = webhook(URL, events=["event.published"])
    message_post(slug=public_space.slug, author=member(public_space), body="in the open")
    message_post(slug=private_space.slug, author=member(private_space), body="behind closed doors")
    assert [data["body"] for _e, data in deliveries(everywhere)] == ["in the open"]
    assert [data["body"] for _e, data in deliveries(of_public)] == ["in the open"]
    assert [data["body"] for _e, data in deliveries(of_private)] == ["behind closed doors"]
    assert deliveries(other_events) == []


def test_the_payload_is_the_rest_apis_message(public_space, token_client, user):
    hook = webhook(URL)
    Membership.objects.create(space=public_space, user=user)
    posted = message_post(slug=public_space.slug, author=user, body="Hello **world**", topic="Agenda").message
    ((event, data),) = deliveries(hook)
    assert event == "message.new"
    listed = token_client.get(f"/api/v1/spaces/{public_space.slug}/messages/").json()["results"]
    assert [data] == [message for message in listed if message["id"] == posted.pk]


def test_a_batch_to_many_webhooks_is_one_insert(public_space):
    hooks = [webhook(URL) for _ in range(5)]
    author = member(public_space)
    requests = [PostRequest(author=author, body=f"message {n}") for n in range(4)]
    with CaptureQueriesContext(connection) as queries:
        message_post_many(slug=public_space.slug, requests=requests)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT") and "webhooks_delivery" in q["sql"]]
    assert len(inserts) == 1
    assert Delivery.objects.count() == 20
    # In each webhook's queue, the messages in their order.
    for hook in hooks:
        assert [data["body"] for _e, data in deliveries(hook)] == [f"message {n}" for n in range(4)]


def test_a_rolled_back_cause_leaves_no_delivery(public_space):
    webhook(URL)
    author = member(public_space)
    with pytest.raises(RuntimeError), transaction.atomic():
        message_post(slug=public_space.slug, author=author, body="never committed")
        raise RuntimeError("the caller's transaction fails")
    assert not Delivery.objects.exists()


def test_edits_and_deletions_are_message_updated(public_space):
    hook = webhook(URL, events=["message.updated"])
    author = member(public_space)
    posted = message_post(slug=public_space.slug, author=author, body="first").message
    message_edit(message_id=posted.pk, user=author, body="second")
    message_delete(message_id=posted.pk, user=author)
    assert [(event, data["body"], data["deleted"]) for event, data in deliveries(hook)] == [
        ("message.updated", "second", False),
        ("message.updated", "", True),
    ]


def test_a_disabled_webhook_hears_nothing(public_space):
    hook = webhook(URL, active=False)
    message_post(slug=public_space.slug, author=member(public_space), body="hello")
    assert deliveries(hook) == []


def test_publishing_and_cancelling_an_event(db):
    hook = webhook(URL, events=["event.published", "event.cancelled"])
    organizer = UserFactory.create(is_staff=True)
    event = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    event_publish(event.pk, by=organizer)
    event_cancel(event.pk, by=organizer)
    assert [(name, data["id"], data["status"]) for name, data in deliveries(hook)] == [
        ("event.published", event.pk, "published"),
        ("event.cancelled", event.pk, "cancelled"),
    ]


def test_cancelling_a_draft_never_published_tells_no_webhook(db):
    hook = webhook(URL, events=["event.cancelled"])
    organizer = UserFactory.create(is_staff=True)
    event = EventFactory.create(organizer=organizer, status=Event.Status.DRAFT)
    event_cancel(event.pk, by=organizer)
    assert deliveries(hook) == []


def test_an_approved_resource_is_delivered_a_rejected_one_is_not(db):
    hook = webhook(URL, events=["resource.approved"])
    approved = ResourceFactory.create(submitted_by=UserFactory.create())
    rejected = ResourceFactory.create(status="rejected")
    webhooks_resource_approved(resource=approved)
    webhooks_resource_approved(resource=rejected)
    assert [(name, data["id"], data["status"]) for name, data in deliveries(hook)] == [
        ("resource.approved", approved.pk, "approved")
    ]


def test_a_webhook_whose_owner_lost_the_right_to_it_hears_nothing(private_space):
    moderator = member(private_space, role=Membership.Role.MODERATOR)
    scoped = webhook(URL, space=private_space, owner=moderator)
    staff = UserFactory.create(is_staff=True)
    unscoped = webhook(URL, owner=staff)
    author = member(private_space)
    message_post(slug=private_space.slug, author=author, body="while a moderator")
    Membership.objects.filter(user=moderator).update(role=Membership.Role.MEMBER)
    message_post(slug=private_space.slug, author=author, body="after being removed as moderator")
    assert [data["body"] for _e, data in deliveries(scoped)] == ["while a moderator"]
    public = type(private_space).objects.create(slug="public-one", name="Public one")
    public_author = member(public)
    message_post(slug=public.slug, author=public_author, body="staff hears this")
    staff.is_staff = False
    staff.save(update_fields=["is_staff"])
    message_post(slug=public.slug, author=public_author, body="no longer staff")
    assert [data["body"] for _e, data in deliveries(unscoped)] == ["staff hears this"]


def test_a_queued_sender_is_not_queued_again_until_it_starts(
    public_space, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from webhooks.tasks import send_webhook_deliveries

    settings.EMBEDDED = False  # the mark lives in the shared cache (services mode)
    hook = webhook(URL)
    author = member(public_space)
    with mock.patch.object(send_webhook_deliveries, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            message_post(slug=public_space.slug, author=author, body="one")
        with django_capture_on_commit_callbacks(execute=True):
            message_post(slug=public_space.slug, author=author, body="two")
        assert delay.call_args_list == [mock.call(hook.pk)]  # the task queued for "one" will send "two"
        with mock.patch("webhooks.tasks.webhook_queue_send") as run:
            run.return_value.wake_at = None
            run.return_value.leased = False
            send_webhook_deliveries.run(hook.pk)  # a sender starts: later rows need a task again
        with django_capture_on_commit_callbacks(execute=True):
            message_post(slug=public_space.slug, author=author, body="three")
        assert delay.call_args_list == [mock.call(hook.pk), mock.call(hook.pk)]
