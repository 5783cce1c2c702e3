from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.utils import timezone

from discussions.models import Membership, Message, MessageRevision, ModerationAction, Space
from discussions.services.editing import message_delete, message_edit
from discussions.services.moderation import ban_create, mute_create
from discussions.services.posting import message_post
from discussions.services.reactions import reaction_set
from discussions.services.read_markers import read_mark
from hub.errors import HubError
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hazards: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "svg", "img", "style", "form", "input"}:
            self.hazards.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.hazards.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.hazards.append(f"{tag}[{name}={value}]")


def live_html_hazards(html: str) -> list[str]:
    """Elements and attributes that a browser would act on; escaped text is not one of them."""
    parser = _Elements()
    parser.feed(html)
    return parser.hazards


def post(space, author, body="hello", **kwargs):
    return message_post(slug=space.slug, author=author, body=body, **kwargs).message


def refusal(space, author) -> tuple[str, int | None]:
    """The code and retry_after of the HubError that a post by ``author`` meets."""
    with pytest.raises(HubError) as error:
        post(space, author, "refused?")
    return error.value.code, error.value.retry_after


class TestPost:
    def test_seq_starts_at_one_and_grows_by_one(self, space, member):
        assert [post(space, member, f"m{i}").seq for i in range(3)] == [1, 2, 3]
        space.refresh_from_db()
        assert space.last_seq == 3

    def test_seq_is_per_space(self, space, member):
        other = Space.objects.create(slug="other", name="Other")
        Membership.objects.create(space=other, user=member)
        post(space, member)
        assert post(other, member).seq == 1

    def test_same_client_id_twice_stores_one_message(self, space, member):
        first = message_post(slug=space.slug, author=member, body="once", client_id="abc")
        again = message_post(slug=space.slug, author=member, body="twice?", client_id="abc")
        assert first.created and not again.created
        assert again.message.pk == first.message.pk
        assert again.message.body == "once"
        assert Message.objects.count() == 1

    def test_same_client_id_from_another_author_is_another_message(self, space, member):
        other = member_of(space)
        post(space, member, client_id="abc")
        post(space, other, client_id="abc")
        assert Message.objects.count() == 2

    def test_markdown_is_rendered_and_mentions_recorded(self, space, member):
        UserFactory.create(username="Amina")
        message = post(space, member, "**Hi** @amina and @nobody")
        assert message.html == "<p><strong>Hi</strong> @amina and @nobody</p>"
        assert message.mentions == ["Amina"]

    @pytest.mark.parametrize(
        "payload",
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
            "<svg onload=alert(1)>",
            "<iframe src=https://evil.example></iframe>",
        ],
    )
    def test_xss_payloads_come_out_inert(self, space, member, payload):
        message = post(space, member, payload)
        assert message.body == payload  # the author's text is kept as written
        assert live_html_hazards(message.html) == []

    def test_safe_links_stay_and_get_rel(self, space, member):
        html = post(space, member, "[IOM](https://www.iom.int)").html
        assert 'href="https://www.iom.int"' in html
        assert 'rel="nofollow noopener noreferrer ugc"' in html

    @pytest.mark.parametrize(
        ("body", "code"),
        [("", "invalid_frame"), ("   ", "invalid_frame"), ("x" * 10_001, "too_large")],
    )
    def test_bad_bodies_are_refused_and_store_nothing(self, space, member, body, code):
        with pytest.raises(HubError) as error:
            post(space, member, body)
        assert error.value.code == code
        assert not Message.objects.exists()
        space.refresh_from_db()
        assert space.last_seq == 0

    def test_body_of_exactly_the_limit_is_fine(self, space, member):
        assert post(space, member, "x" * 10_000).seq == 1

    def test_non_member_cannot_post(self, space):
        with pytest.raises(HubError) as error:
            post(space, UserFactory.create())
        assert error.value.code == "not_member"

    def test_private_space_is_not_found_for_outsiders(self, private_space):
        with pytest.raises(HubError) as error:
            post(private_space, UserFactory.create())
        assert error.value.status == 404

    def test_locked_space_refuses_members_but_not_moderators(self, space, member, moderator):
        Space.objects.filter(pk=space.pk).update(locked=True)
        with pytest.raises(HubError) as error:
            post(space, member)
        assert error.value.code == "locked"
        assert post(space, moderator).seq == 1

    def test_posting_outside_the_window_is_closed(self, space, member):
        now = timezone.now()
        Space.objects.filter(pk=space.pk).update(opens_at=now + timedelta(hours=1))
        with pytest.raises(HubError) as error:
            post(space, member)
        assert error.value.code == "closed"
        Space.objects.filter(pk=space.pk).update(opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1))
        with pytest.raises(HubError):
            post(space, member)
        Space.objects.filter(pk=space.pk).update(closes_at=now + timedelta(hours=1))
        assert post(space, member).seq == 1

    def test_a_mute_ends_exactly_when_its_minutes_are_up(self, space, member, moderator, time_machine):
        time_machine.move_to(NOON, tick=False)
        mute_create(slug=space.slug, moderator=moderator, username=member.username, minutes=5)
        assert refusal(space, member) == ("muted", 300)
        time_machine.shift(5 * 60 - 1)
        assert refusal(space, member) == ("muted", 1)
        time_machine.shift(1)
        assert post(space, member).seq == 1

    def test_a_ban_ends_exactly_when_its_minutes_are_up(self, space, member, moderator, time_machine):
        time_machine.move_to(NOON, tick=False)
        ban_create(slug=space.slug, moderator=moderator, username=member.username, minutes=5)
        time_machine.shift(5 * 60 - 1)
        assert refusal(space, member) == ("forbidden", None)
        time_machine.shift(1)
        assert post(space, member).seq == 1

    def test_slow_mode_spaces_members_posts(self, space, member, moderator, time_machine):
        time_machine.move_to(NOON, tick=False)
        Space.objects.filter(pk=space.pk).update(slow_mode_seconds=60)
        post(space, member)
        assert refusal(space, member) == ("slow_mode", 60)
        time_machine.shift(59)
        assert refusal(space, member) == ("slow_mode", 1)
        assert [post(space, moderator).seq for _ in range(2)] == [2, 3]  # moderators are not slowed
        time_machine.shift(1)
        assert post(space, member).seq == 4

    def test_at_most_twenty_messages_in_any_ten_seconds(self, space, member, time_machine):
        # A sliding window: each message holds its slot for exactly ten seconds.
        time_machine.move_to(NOON, tick=False)
        for index in range(10):
            post(space, member, f"early {index}")
        time_machine.shift(5)
        for index in range(10):
            post(space, member, f"late {index}")
        assert refusal(space, member) == ("rate_limited", 5)
        time_machine.shift(4)
        assert refusal(space, member) == ("rate_limited", 1)
        time_machine.shift(1)  # the early ten leave the window together
        assert [post(space, member, f"again {index}").seq for index in range(10)] == list(range(21, 31))
        assert refusal(space, member) == ("rate_limited", 5)  # now the late ten are the oldest

    def test_reply_to_must_exist(self, space, member):
        post(space, member)
        assert post(space, member, "re", reply_to=1).reply_to_seq == 1
        with pytest.raises(HubError) as error:
            post(space, member, "re", reply_to=99)
        assert error.value.code == "not_found"

    def test_topic_is_created_on_first_use(self, space, member):
        message = post(space, member, "about data", topic="Data gaps")
        assert message.topic.name == "Data gaps"
        assert post(space, member, "more", topic="Data gaps").topic_id == message.topic_id


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_seq_is_gapless_under_twenty_concurrent_writers(space):
    writers = [member_of(space) for _ in range(20)]

    def write(author):
        try:
            return [post(space, author, f"{author.username} {i}").seq for i in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        seqs = [seq for batch in pool.map(write, writers) for seq in batch]
    assert sorted(seqs) == list(range(1, 101))
    stored = list(Message.objects.filter(space=space).order_by("seq").values_list("seq", flat=True))
    assert stored == list(range(1, 101))
    space.refresh_from_db()
    assert space.last_seq == 100
    # Commit order is seq order: ids (allocated at insert, under the lock) rise with seq.
    ids = list(Message.objects.filter(space=space).order_by("seq").values_list("id", flat=True))
    assert ids == sorted(ids)


class TestEditDeleteReact:
    def test_author_edits_and_history_is_kept(self, space, member):
        message = post(space, member, "first")
        edited = message_edit(message_id=message.pk, user=member, body="second *take*")
        assert edited.body == "second *take*"
        assert edited.html == "<p>second <em>take</em></p>"
        assert edited.edited_at is not None
        assert list(MessageRevision.objects.values_list("body", flat=True)) == ["first"]

    def test_only_the_author_edits(self, space, member, moderator):
        message = post(space, member)
        with pytest.raises(HubError) as error:
            message_edit(message_id=message.pk, user=moderator, body="not yours")
        assert error.value.code == "forbidden"

    def test_delete_leaves_a_tombstone_with_its_seq(self, space, member):
        message = post(space, member, "regret")
        post(space, member, "next")
        deleted = message_delete(message_id=message.pk, user=member)
        assert (deleted.seq, deleted.body, deleted.html, deleted.deleted) == (1, "", "", True)
        assert MessageRevision.objects.get(message=message).body == "regret"

    def test_moderator_deletes_others_and_it_is_logged(self, space, member, moderator):
        message = post(space, member)
        message_delete(message_id=message.pk, user=moderator, reason="off topic")
        action = ModerationAction.objects.get(kind=ModerationAction.Kind.DELETE_MESSAGE)
        assert (action.actor, action.target_user, action.message_seq, action.reason) == (
            moderator,
            member,
            1,
            "off topic",
        )

    def test_member_cannot_delete_others(self, space, member):
        message = post(space, member)
        with pytest.raises(HubError):
            message_delete(message_id=message.pk, user=member_of(space))

    def test_reactions_count_per_emoji_and_once_per_user(self, space, member):
        message = post(space, member)
        other = member_of(space)
        reaction_set(message_id=message.pk, user=member, emoji="👍", present=True)
        reaction_set(message_id=message.pk, user=member, emoji="👍", present=True)
        reaction = reaction_set(message_id=message.pk, user=other, emoji="👍", present=True)
        assert reaction.reactions == {"👍": 2}
        assert reaction_set(message_id=message.pk, user=other, emoji="👍", present=False).reactions == {"👍": 1}
        with pytest.raises(HubError):
            reaction_set(message_id=message.pk, user=member, emoji="two words", present=True)

    def test_read_marker_never_goes_back_or_past_the_end(self, space, member):
        post(space, member)
        post(space, member)
        assert read_mark(slug=space.slug, user=member, seq=1) == 1
        assert read_mark(slug=space.slug, user=member, seq=0) == 1
        assert read_mark(slug=space.slug, user=member, seq=99) == 2
