import datetime as dt

import pytest
from django.db import connection
from rest_framework.test import APIClient

from discussions.models import Ban, Invitation, Membership, Message, ModerationAction, Mute, Report, Space
from discussions.services.posting import message_post
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def as_user():
    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def post(space, author, body="hello", **kwargs):
    return message_post(slug=space.slug, author=author, body=body, **kwargs).message


class TestSpaces:
    def test_migrations_made_one_public_space_per_objective(self, api_client, taxonomy):
        slugs = set(Space.objects.filter(kind=Space.Kind.OBJECTIVE).values_list("slug", flat=True))
        assert slugs == {f"objective-{n}" for n in range(1, 24)} | {"general"}
        nine = api_client.get("/api/v1/spaces/objective-9/").json()
        assert (nine["objective"], nine["visibility"]) == ("9", "public")

    def test_list_shows_public_spaces_and_only_my_private_ones(self, as_user, space, private_space):
        hidden = Space.objects.create(slug="hidden", name="Hidden", visibility=Space.Visibility.PRIVATE)
        insider = member_of(private_space)
        slugs = [row["slug"] for row in as_user(insider).get("/api/v1/spaces/").json()["results"]]
        assert private_space.slug in slugs and space.slug in slugs
        assert hidden.slug not in slugs

    def test_list_filters_by_objective_keys(self, api_client, taxonomy):
        response = api_client.get("/api/v1/spaces/?objective=9&objective=general")
        assert sorted(row["slug"] for row in response.json()["results"]) == ["general", "objective-9"]

    def test_space_shape(self, api_client, space, member):
        post(space, member)
        body = api_client.get(f"/api/v1/spaces/{space.slug}/").json()
        assert set(body) >= {
            "slug",
            "name",
            "description",
            "objective",
            "visibility",
            "locked",
            "opens_at",
            "closes_at",
            "audience",
            "languages",
            "slow_mode_seconds",
            "summary",
            "member_count",
            "last_seq",
            "created_at",
        }
        assert (body["member_count"], body["last_seq"], body["visibility"]) == (1, 1, "public")

    def test_private_space_is_404_to_outsiders(self, as_user, private_space):
        assert as_user(UserFactory.create()).get(f"/api/v1/spaces/{private_space.slug}/").status_code == 404
        assert as_user(UserFactory.create()).get(f"/api/v1/spaces/{private_space.slug}/messages/").status_code == 404

    def test_only_staff_create_spaces(self, as_user):
        payload = {"slug": "labour-migration", "name": "Labour migration", "visibility": "private", "languages": ["en"]}
        assert as_user(UserFactory.create()).post("/api/v1/spaces/", payload, format="json").status_code == 403
        response = as_user(UserFactory.create(is_staff=True)).post("/api/v1/spaces/", payload, format="json")
        assert response.status_code == 201
        assert response.json()["visibility"] == "private"

    def test_create_refuses_bad_input_with_field_errors(self, as_user):
        staff = as_user(UserFactory.create(is_staff=True))
        response = staff.post(
            "/api/v1/spaces/", {"slug": "bad slug!", "languages": ["xx"], "slow_mode_seconds": -1}, format="json"
        )
        assert response.status_code == 400
        assert set(response.json()) >= {"slug", "name", "languages", "slow_mode_seconds"}
        assert not Space.objects.filter(name="").exists()

    def test_moderators_patch_and_locks_are_logged(self, as_user, space, moderator, member):
        assert (
            as_user(member).patch(f"/api/v1/spaces/{space.slug}/", {"locked": True}, format="json").status_code == 403
        )
        response = as_user(moderator).patch(
            f"/api/v1/spaces/{space.slug}/", {"locked": True, "slow_mode_seconds": 30}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["locked"], response.json()["slow_mode_seconds"]) == (True, 30)
        assert ModerationAction.objects.filter(kind=ModerationAction.Kind.LOCK, actor=moderator).exists()

    def test_window_must_close_after_it_opens(self, as_user, space, moderator):
        response = as_user(moderator).patch(
            f"/api/v1/spaces/{space.slug}/",
            {"opens_at": "2026-12-02T10:00:00Z", "closes_at": "2026-12-01T10:00:00Z"},
            format="json",
        )
        assert response.status_code == 400
        assert "closes_at" in response.json()


class TestMembership:
    def test_join_and_leave_a_public_space(self, as_user, space):
        client = as_user(UserFactory.create())
        assert client.post(f"/api/v1/spaces/{space.slug}/join/").json() == {"space": space.slug, "role": "member"}
        assert Membership.objects.filter(space=space).count() == 1
        assert client.post(f"/api/v1/spaces/{space.slug}/leave/").status_code == 204
        assert not Membership.objects.exists()

    def test_private_space_needs_an_invitation_and_is_404_without_one(self, as_user, private_space):
        moderator = member_of(private_space, role=Membership.Role.MODERATOR)
        guest = as_user(UserFactory.create(username="guest"))
        refused = guest.post(f"/api/v1/spaces/{private_space.slug}/join/")
        nowhere = guest.post("/api/v1/spaces/no-such-space/join/")
        # Exactly what a space that does not exist answers: a private space is never revealed.
        assert (refused.status_code, refused.json()) == (nowhere.status_code, nowhere.json())
        assert refused.json() == {"detail": "No such space.", "code": "not_found"}
        assert not Membership.objects.filter(space=private_space, user__username="guest").exists()
        response = as_user(moderator).post(
            f"/api/v1/spaces/{private_space.slug}/invitations/", {"username": "guest"}, format="json"
        )
        assert response.status_code == 201
        assert guest.post(f"/api/v1/spaces/{private_space.slug}/join/").status_code == 200
        assert Invitation.objects.get(user__username="guest").accepted_at is not None

    def test_a_banned_user_joining_a_public_space_is_403(self, as_user, space):
        banned = UserFactory.create()
        Ban.objects.create(space=space, user=banned)
        response = as_user(banned).post(f"/api/v1/spaces/{space.slug}/join/")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert not Membership.objects.filter(space=space, user=banned).exists()

    def test_a_ban_does_not_reveal_a_private_space_to_someone_never_invited(self, as_user, private_space):
        banned, invited = UserFactory.create(), UserFactory.create()
        for user in (banned, invited):
            Ban.objects.create(space=private_space, user=user)
        Invitation.objects.create(space=private_space, user=invited)
        assert as_user(banned).post(f"/api/v1/spaces/{private_space.slug}/join/").status_code == 404
        assert as_user(invited).post(f"/api/v1/spaces/{private_space.slug}/join/").status_code == 403
        assert not Membership.objects.filter(space=private_space).exists()

    def test_members_list_roles(self, api_client, space, moderator, member):
        rows = api_client.get(f"/api/v1/spaces/{space.slug}/members/").json()["results"]
        assert {(row["username"], row["role"], row["online"]) for row in rows} == {
            (moderator.username, "moderator", False),
            (member.username, "member", False),
        }

    def test_staff_appoint_and_remove_moderators(self, as_user, space, member):
        staff = as_user(UserFactory.create(is_staff=True))
        assert staff.post(f"/api/v1/spaces/{space.slug}/moderators/", {"username": member.username}).status_code == 201
        assert Membership.objects.get(user=member).role == "moderator"
        assert staff.delete(f"/api/v1/spaces/{space.slug}/moderators/{member.username}/").status_code == 204
        assert Membership.objects.get(user=member).role == "member"
        other = as_user(member_of(space, role=Membership.Role.MODERATOR))
        assert other.post(f"/api/v1/spaces/{space.slug}/moderators/", {"username": member.username}).status_code == 403


class TestMessagesApi:
    def test_post_then_page_after_and_before(self, as_user, space, member):
        client = as_user(member)
        for index in range(5):
            response = client.post(f"/api/v1/spaces/{space.slug}/messages/", {"body": f"m{index}"}, format="json")
            assert response.status_code == 201
        after = client.get(f"/api/v1/spaces/{space.slug}/messages/?after=2&limit=2").json()
        assert ([m["seq"] for m in after["results"]], after["last_seq"]) == ([3, 4], 5)
        before = client.get(f"/api/v1/spaces/{space.slug}/messages/?before=4&limit=2").json()
        assert [m["seq"] for m in before["results"]] == [2, 3]

    def test_history_needs_no_per_message_queries(self, api_client, space, member, django_assert_max_num_queries):
        for index in range(30):
            Message.objects.create(space=space, seq=index + 1, author=member, body="x", html="<p>x</p>")
        with django_assert_max_num_queries(4):
            response = api_client.get(f"/api/v1/spaces/{space.slug}/messages/?after=0&limit=30")
        assert len(response.json()["results"]) == 30

    def test_rest_resend_with_the_same_client_id_is_200_with_the_original(self, as_user, space, member):
        client = as_user(member)
        url = f"/api/v1/spaces/{space.slug}/messages/"
        first = client.post(url, {"body": "once", "client_id": "k"}, format="json")
        again = client.post(url, {"body": "once", "client_id": "k"}, format="json")
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]

    @pytest.mark.parametrize(
        ("payload", "status", "field"),
        [
            ({"body": ""}, 400, "body"),
            ({}, 400, "body"),
            ({"body": "x", "reply_to": 0}, 400, "reply_to"),
            ({"body": "x", "client_id": "c" * 65}, 400, "client_id"),
            ({"body": "x" * 10_001}, 413, None),
        ],
    )
    def test_bad_posts_are_refused_and_store_nothing(self, as_user, space, member, payload, status, field):
        response = as_user(member).post(f"/api/v1/spaces/{space.slug}/messages/", payload, format="json")
        assert response.status_code == status
        if field:
            assert field in response.json()
        else:
            assert response.json()["code"] == "too_large"
        assert not Message.objects.exists()

    def test_bad_query_parameters_are_400(self, api_client, space):
        response = api_client.get(f"/api/v1/spaces/{space.slug}/messages/?limit=500&after=-1")
        assert response.status_code == 400
        assert set(response.json()) == {"limit", "after"}

    def test_rate_limited_rest_post_is_429_with_retry_after(self, as_user, space, member, settings, time_machine):
        settings.DISCUSSION_RATE_LIMIT_COUNT = 2
        time_machine.move_to(NOON, tick=False)
        client = as_user(member)
        url = f"/api/v1/spaces/{space.slug}/messages/"
        assert [client.post(url, {"body": b}, format="json").status_code for b in "12"] == [201, 201]
        response = client.post(url, {"body": "3"}, format="json")
        assert (response.status_code, response.json()["code"], response["Retry-After"]) == (429, "rate_limited", "10")
        time_machine.shift(9)
        assert client.post(url, {"body": "3"}, format="json")["Retry-After"] == "1"
        time_machine.shift(1)  # the first two leave the 10-second window
        assert client.post(url, {"body": "3"}, format="json").status_code == 201

    def test_search_finds_messages_containing_the_words(self, api_client, space, member):
        post(space, member, "Smugglers exploit migrants along the route")
        post(space, member, "Remittance costs are falling")
        found = api_client.get(f"/api/v1/spaces/{space.slug}/messages/?q=smuggler").json()["results"]
        assert [m["body"] for m in found] == ["Smugglers exploit migrants along the route"]

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="full-text search with stemming is PostgreSQL's; elsewhere ?q= matches substrings",
    )
    def test_search_stems_words_that_no_substring_match_would_find(self, api_client, space, member):
        post(space, member, "Negotiations on labour mobility resume in May")
        post(space, member, "Remittance costs are falling")
        post(space, member, "The two states are negotiating a readmission agreement")
        found = api_client.get(f"/api/v1/spaces/{space.slug}/messages/?q=negotiate").json()["results"]
        assert [m["seq"] for m in found] == [1, 3]
        assert not any("negotiate" in m["body"].lower() for m in found)  # only stemming finds these

    def test_topic_filter_pages_within_the_topic(self, api_client, space, member):
        for index in range(6):
            post(space, member, f"m{index}", topic="Data" if index % 2 else "Returns")
        found = api_client.get(f"/api/v1/spaces/{space.slug}/messages/?topic=Data&limit=2").json()["results"]
        assert [m["seq"] for m in found] == [4, 6]

    def test_edit_delete_pin_and_revisions(self, as_user, space, member, moderator):
        message = post(space, member, "first")
        assert (
            as_user(member).patch(f"/api/v1/messages/{message.pk}/", {"body": "second"}, format="json").json()["body"]
            == "second"
        )
        assert as_user(member).post(f"/api/v1/messages/{message.pk}/pin/").status_code == 403
        assert as_user(moderator).post(f"/api/v1/messages/{message.pk}/pin/").json()["pinned"] is True
        revisions = as_user(moderator).get(f"/api/v1/messages/{message.pk}/revisions/").json()["results"]
        assert [r["body"] for r in revisions] == ["first"]
        assert as_user(member).get(f"/api/v1/messages/{message.pk}/revisions/").status_code == 403
        deleted = as_user(moderator).delete(f"/api/v1/messages/{message.pk}/").json()
        assert (deleted["deleted"], deleted["body"], deleted["seq"]) == (True, "", 1)

    def test_reactions_over_rest(self, as_user, space, member):
        message = post(space, member)
        client = as_user(member)
        assert client.post(f"/api/v1/messages/{message.pk}/reactions/", {"emoji": "🎉"}).json() == {
            "seq": 1,
            "reactions": {"🎉": 1},
        }
        assert client.delete(f"/api/v1/messages/{message.pk}/reactions/🎉/").json()["reactions"] == {}

    def test_topics_and_questions(self, as_user, space, member, moderator):
        post(space, member, "a", topic="Data")
        response = as_user(moderator).post(
            f"/api/v1/spaces/{space.slug}/questions/",
            {"title": "What works?", "body": "Share practices."},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["topic"] == "What works?"
        assert (
            as_user(member).post(f"/api/v1/spaces/{space.slug}/questions/", {"title": "x", "body": "y"}).status_code
            == 403
        )
        topics = as_user(member).get(f"/api/v1/spaces/{space.slug}/topics/").json()["results"]
        assert [(t["name"], t["question"], t["message_count"], t["last_seq"]) for t in topics] == [
            ("Data", False, 1, 1),
            ("What works?", True, 1, 2),
        ]


class TestModerationApi:
    def test_ban_and_unban(self, as_user, space, member, moderator):
        client = as_user(moderator)
        response = client.post(
            f"/api/v1/spaces/{space.slug}/bans/",
            {"username": member.username, "reason": "abuse", "minutes": 60},
            format="json",
        )
        assert response.status_code == 201
        assert Ban.objects.filter(user=member).exists()
        assert as_user(member).get(f"/api/v1/spaces/{space.slug}/messages/").status_code == 403
        assert client.delete(f"/api/v1/spaces/{space.slug}/bans/{member.username}/").status_code == 204
        assert as_user(member).get(f"/api/v1/spaces/{space.slug}/messages/").status_code == 200

    def test_members_cannot_ban_and_moderators_cannot_be_banned(self, as_user, space, member, moderator):
        assert (
            as_user(member).post(f"/api/v1/spaces/{space.slug}/bans/", {"username": moderator.username}).status_code
            == 403
        )
        other_moderator = member_of(space, role=Membership.Role.MODERATOR)
        response = as_user(other_moderator).post(f"/api/v1/spaces/{space.slug}/bans/", {"username": moderator.username})
        assert response.status_code == 403
        assert not Ban.objects.exists()

    def test_mute_needs_minutes(self, as_user, space, member, moderator):
        client = as_user(moderator)
        assert client.post(f"/api/v1/spaces/{space.slug}/mutes/", {"username": member.username}).status_code == 400
        assert (
            client.post(
                f"/api/v1/spaces/{space.slug}/mutes/", {"username": member.username, "minutes": 10}, format="json"
            ).status_code
            == 201
        )
        assert Mute.objects.filter(user=member).exists()
        response = as_user(member).post(f"/api/v1/spaces/{space.slug}/messages/", {"body": "hi"}, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "muted")

    def test_reports_reach_moderators(self, as_user, space, member, moderator):
        message = post(space, moderator, "x")
        assert as_user(member).post(f"/api/v1/messages/{message.pk}/reports/", {"reason": "spam"}).status_code == 201
        assert (
            as_user(UserFactory.create()).post(f"/api/v1/messages/{message.pk}/reports/", {"reason": "x"}).status_code
            == 403
        )
        rows = as_user(moderator).get(f"/api/v1/spaces/{space.slug}/reports/").json()["results"]
        assert [(row["reason"], row["reporter"], row["message"]["seq"]) for row in rows] == [
            ("spam", member.username, 1)
        ]
        assert as_user(member).get(f"/api/v1/spaces/{space.slug}/reports/").status_code == 403
        assert Report.objects.count() == 1

    def test_moderation_log_says_who_when_why(self, as_user, space, member, moderator):
        as_user(moderator).post(f"/api/v1/spaces/{space.slug}/bans/", {"username": member.username, "reason": "spam"})
        rows = as_user(moderator).get(f"/api/v1/spaces/{space.slug}/moderation-log/").json()["results"]
        assert rows[0]["action"] == "ban"
        assert (rows[0]["actor"], rows[0]["target"], rows[0]["reason"]) == (moderator.username, member.username, "spam")
        assert rows[0]["created_at"].endswith("Z")
        assert as_user(member).get(f"/api/v1/spaces/{space.slug}/moderation-log/").status_code in (403, 404)
