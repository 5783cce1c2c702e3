import json

import pytest

from discussions.models import Membership
from discussions.services.posting import message_post
from tests.discussions.conftest import member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_spaces_list_groups_spaces_by_objective(client, taxonomy):
    content = client.get("/spaces/").content.decode()
    assert "9 - Counter smuggling" in content
    assert 'href="/spaces/objective-9/"' in content
    assert 'href="/spaces/general/"' in content


def test_private_spaces_are_listed_only_for_their_members(client, private_space):
    assert private_space.slug not in client.get("/spaces/").content.decode()
    client.force_login(member_of(private_space))
    assert f'href="/spaces/{private_space.slug}/"' in client.get("/spaces/").content.decode()


def test_space_page_renders_history_without_javascript(client, space, member):
    message_post(slug=space.slug, author=member, body="**Bold** start")
    response = client.get(f"/spaces/{space.slug}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Bold</strong> start" in content
    assert 'role="log"' in content and 'aria-live="polite"' in content
    config = json.loads(content.split('id="space-config" type="application/json">')[1].split("</script>")[0])
    assert config == {"slug": space.slug, "me": None, "role": "visitor", "lastReadSeq": 1, "lastSeq": 1, "firstSeq": 1,
                      "locked": False}  # fmt: skip


def test_member_sees_composer_and_unread_marker(client, space, member):
    other = member_of(space)
    message_post(slug=space.slug, author=other, body="seen")
    Membership.objects.filter(user=member).update(last_read_seq=1)
    message_post(slug=space.slug, author=other, body="not yet seen")
    client.force_login(member)
    content = client.get(f"/spaces/{space.slug}/").content.decode()
    assert 'id="composer"' in content
    assert content.index('id="unread-marker"') < content.index("not yet seen")
    assert 'id="mod-user"' not in content


def test_moderator_sees_moderation_controls(client, space, moderator):
    client.force_login(moderator)
    assert 'id="mod-user"' in client.get(f"/spaces/{space.slug}/").content.decode()


def test_join_page_form_joins(client, space):
    user = UserFactory.create()
    client.force_login(user)
    assert "Join this space" in client.get(f"/spaces/{space.slug}/").content.decode()
    assert client.post(f"/spaces/{space.slug}/join/").status_code == 302
    assert Membership.objects.filter(space=space, user=user).exists()


def test_join_form_of_a_private_space_without_an_invitation_answers_like_no_space(client, private_space):
    user = UserFactory.create()
    client.force_login(user)
    refused = client.post(f"/spaces/{private_space.slug}/join/", follow=True)
    nowhere = client.post("/spaces/no-such-space/join/", follow=True)
    assert refused.status_code == nowhere.status_code == 404
    assert refused.context["messages"] and [str(m) for m in refused.context["messages"]] == ["No such space."]
    assert [str(m) for m in nowhere.context["messages"]] == ["No such space."]
    assert private_space.name not in refused.content.decode()
    assert not Membership.objects.filter(space=private_space, user=user).exists()


def test_private_space_page_is_404_for_outsiders(client, private_space):
    client.force_login(UserFactory.create())
    assert client.get(f"/spaces/{private_space.slug}/").status_code == 404
    assert private_space.name not in client.get(f"/spaces/{private_space.slug}/").content.decode()
