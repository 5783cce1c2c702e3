"""Mentions and replies in discussion spaces, and space invitations, become notifications:
once per recipient and message, never to the author, never from a muted space, never to someone
who may not read the space."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import Ban, Membership, Space
from discussions.services.posting import PostRequest, message_post, message_post_many
from discussions.services.read_markers import read_mark
from discussions.services.spaces import invitation_create
from notifications.models import EmailDelivery, MessageEmail, Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def space(db):
    return Space.objects.create(slug="smuggling-talk", name="Smuggling talk")


def member(space: Space, username: str, **fields):
    user = UserFactory.create(username=username, **fields)
    Membership.objects.create(space=space, user=user)
    return user


def post(space: Space, author, body: str, **kwargs):
    return message_post(slug=space.slug, author=author, body=body, **kwargs).message


def told(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "source_key"))


def test_a_mention_notifies_the_mentioned_member_exactly_once(space, django_capture_on_commit_callbacks):
    amina, bo = member(space, "amina"), member(space, "bo", display_name="Bo Chen")
    with django_capture_on_commit_callbacks(execute=True):
        message = post(space, bo, "@amina what about 50% of cases? @Amina @amina")
    [notification] = Notification.objects.filter(recipient=amina)
    assert (notification.kind, notification.source_key) == (Kind.MENTION, f"message:{message.pk}")
    assert notification.title == "Bo Chen mentioned you in Smuggling talk"
    assert notification.body == "@amina what about 50% of cases? @Amina @amina"
    assert notification.url == "/spaces/smuggling-talk/#m1"
    assert told(bo) == []
    # Its email waits (a MessageEmail), it is not sent at once.
    assert not EmailDelivery.objects.exists()
    assert MessageEmail.objects.get().notification == notification


def test_resending_the_same_client_id_creates_no_second_notification(space):
    amina, bo = member(space, "amina"), member(space, "bo")
    first = post(space, bo, "@amina hi", client_id="c1")
    again = post(space, bo, "@amina hi", client_id="c1")
    assert first.pk == again.pk
    assert len(told(amina)) == 1


def test_mentioning_oneself_tells_nobody(space):
    amina = member(space, "amina")
    post(space, amina, "note to self, @amina")
    assert told(amina) == []


def test_a_mentioned_non_member_of_the_space_is_not_told(space):
    member(space, "bo")
    outsider = UserFactory.create(username="carla")
    post(space, Membership.objects.get(user__username="bo").user, "@carla should see this")
    assert told(outsider) == []


def test_a_reply_notifies_the_parents_author_but_not_a_self_reply(space):
    amina, bo = member(space, "amina"), member(space, "bo", display_name="Bo Chen")
    parent = post(space, amina, "Visas first?")
    post(space, amina, "And then permits.", reply_to=parent.seq)
    assert told(amina) == []
    reply = post(space, bo, "Agreed.", reply_to=parent.seq)
    [notification] = Notification.objects.filter(recipient=amina)
    assert (notification.kind, notification.source_key) == (Kind.REPLY, f"message:{reply.pk}")
    assert notification.title == "Bo Chen replied to you in Smuggling talk"


def test_a_reply_that_also_mentions_the_parents_author_is_one_mention(space):
    amina, bo = member(space, "amina"), member(space, "bo")
    parent = post(space, amina, "Visas first?")
    post(space, bo, "@amina agreed.", reply_to=parent.seq)
    assert [kind for kind, _key in told(amina)] == [Kind.MENTION]


def test_a_muted_space_sends_neither_mentions_nor_replies(space):
    amina, bo = member(space, "amina"), member(space, "bo")
    NotificationPreference.objects.create(user=amina, muted_spaces=["smuggling-talk"])
    parent = post(space, amina, "Visas first?")
    post(space, bo, "@amina agreed.", reply_to=parent.seq)
    post(space, bo, "Indeed.", reply_to=parent.seq)
    assert told(amina) == []
    other = Space.objects.create(slug="returns", name="Returns")
    Membership.objects.create(space=other, user=amina)
    Membership.objects.create(space=other, user=bo)
    post(other, bo, "@amina over here")
    assert [kind for kind, _key in told(amina)] == [Kind.MENTION]  # muting one space mutes only that one


def test_users_who_may_not_read_the_space_are_not_told(space):
    amina, bo = member(space, "amina"), member(space, "bo")
    parent = post(space, amina, "Visas first?")
    Ban.objects.create(space=space, user=amina)
    post(space, bo, "@amina agreed.", reply_to=parent.seq)
    assert told(amina) == []


def test_in_a_private_space_a_former_member_gets_no_reply_notification():
    private = Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)
    amina, bo = member(private, "amina"), member(private, "bo")
    parent = post(private, amina, "Draft attached.")
    Membership.objects.filter(user=amina).delete()
    post(private, bo, "Thanks!", reply_to=parent.seq)
    assert told(amina) == []


def test_a_batch_of_posts_tells_each_recipient_once_per_message(space):
    amina, bo, carla = member(space, "amina"), member(space, "bo"), member(space, "carla")
    parent = post(space, amina, "Visas first?")
    requests = [
        PostRequest(author=bo, body="@amina @carla yes", client_id="b1"),
        PostRequest(author=carla, body="me too", client_id="c1", reply_to=parent.seq),
        PostRequest(author=bo, body="no mentions here", client_id="b2"),
    ]
    outcomes = message_post_many(slug=space.slug, requests=requests)
    assert all(not isinstance(outcome, Exception) for outcome in outcomes)
    assert [kind for kind, _key in told(amina)] == [Kind.MENTION, Kind.REPLY]
    assert [kind for kind, _key in told(carla)] == [Kind.MENTION]


def test_a_message_without_mentions_or_reply_costs_no_extra_query(space):
    bo = member(space, "bo")
    post(space, bo, "warm-up")
    with CaptureQueriesContext(connection) as plain:
        post(space, bo, "nothing to tell anyone")
    member(space, "amina")
    with CaptureQueriesContext(connection) as mentioning:
        post(space, bo, "@amina look")
    assert not any("notifications_" in query["sql"] for query in plain.captured_queries)
    assert any("notifications_notification" in query["sql"] for query in mentioning.captured_queries)


def test_a_space_invitation_notifies_the_invitee_once(django_capture_on_commit_callbacks, smtp_server):
    private = Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)
    moderator = member(private, "mod", display_name="Mo Derator")
    Membership.objects.filter(user=moderator).update(role=Membership.Role.MODERATOR)
    amina = UserFactory.create(username="amina", email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(slug="working-group", moderator=moderator, username="amina")
        invitation_create(slug="working-group", moderator=moderator, username="amina")
    [notification] = Notification.objects.filter(recipient=amina)
    assert notification.kind == Kind.SPACE_INVITATION
    assert notification.title == "Mo Derator invited you to the space Working group"
    assert notification.url == "/spaces/working-group/"
    [mail] = smtp_server.messages  # an invitation is emailed at once
    assert mail.rcpt_tos == ["amina@example.org"]


def test_reading_the_conversation_reads_its_mentions_and_replies_up_to_the_marker(space):
    amina, bo = member(space, "amina"), member(space, "bo")
    parent = post(space, amina, "Visas first?")
    post(space, bo, "@amina one")
    post(space, bo, "two", reply_to=parent.seq)
    post(space, bo, "@amina three")
    elsewhere = Space.objects.create(slug="returns", name="Returns")
    for user in (amina, bo):
        Membership.objects.create(space=elsewhere, user=user)
    post(elsewhere, bo, "@amina elsewhere")
    read_mark(slug=space.slug, user=amina, seq=3)
    unread = Notification.objects.filter(recipient=amina, read_at__isnull=True).values_list("body", flat=True)
    assert sorted(unread) == ["@amina elsewhere", "@amina three"]
