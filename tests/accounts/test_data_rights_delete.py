"""DELETE /api/v1/me/ and the account page's deletion: the password confirms, everything is
erased in one transaction, messages stay (seq unchanged) as a deleted user's, mentions are
rewritten, tokens and sessions end, the expert profile leaves search at once."""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import personal_data
from accounts.models import User
from accounts.services import token_for
from discussions.models import Membership, Message, MessageRevision
from events.models import Rsvp, WaitlistEntry
from experts.models import Expert
from experts.search import search_experts
from experts.search.queries import ExpertQuery
from notifications.models import Notification
from tests.accounts.data_rights_world import World, logged_in_client, world
from tests.accounts.test_data_rights_proof import user_references
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def delete_me(w: World, password: str | None = PASSWORD) -> tuple[APIClient, int]:
    client = token_client(w.person)
    body = {} if password is None else {"password": password}
    response = client.delete("/api/v1/me/", body, format="json")
    return client, response.status_code


@pytest.mark.parametrize("password", ["not my password", "", None])
def test_a_wrong_or_missing_password_answers_400_naming_the_field_and_changes_nothing(password):
    w = world()
    client = token_client(w.person)
    before = Message.objects.filter(author=w.person).count()
    body = {} if password is None else {"password": password}
    response = client.delete("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert "password" in response.json()
    person = User.objects.get(pk=w.person.pk)
    assert person.username == w.distinct.username and person.is_active and person.erased_at is None
    assert Expert.objects.filter(user=w.person).exists()
    assert Membership.objects.filter(user=w.person).count() == 2
    assert Message.objects.filter(author=w.person).count() == before
    assert client.get("/api/v1/me/").status_code == 200


def test_deleting_needs_authentication():
    w = world()
    assert APIClient().delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 401
    assert User.objects.get(pk=w.person.pk).is_active


def test_the_messages_stay_with_their_seq_and_show_a_deleted_user():
    w = world()
    seqs = list(Message.objects.filter(author=w.person).order_by("pk").values_list("space_id", "seq", "body"))
    _client, status = delete_me(w)
    assert status == 204
    assert list(Message.objects.filter(author=w.person).order_by("pk").values_list("space_id", "seq", "body")) == seqs
    page = token_client(w.friend).get(f"/api/v1/spaces/{w.public_space.slug}/messages/").json()
    authors = {m["body"]: m["author"] for m in page["results"]}
    author = authors["Remittance corridors need much cheaper transfers."]
    assert author == {"id": w.person.pk, "username": f"deleted-{w.person.pk}", "display_name": "Deleted user"}
    html = logged_in_client(w.friend).get(f"/spaces/{w.public_space.slug}/").content.decode()
    assert "Deleted user" in html
    assert w.distinct.display_name not in html


def test_mentions_of_the_person_in_other_messages_are_rewritten_neutrally():
    w = world()
    delete_me(w)
    neutral = f"deleted-{w.person.pk}"
    for message in Message.objects.filter(pk__in=w.mention_ids):
        assert w.distinct.username not in message.body + message.html
        assert f"@{neutral}" in message.body and f"@{neutral}" in message.html
        assert w.distinct.username not in message.mentions
    assert Message.objects.get(pk=w.mention_ids[2]).body == f"cc @{neutral} and @mod_mo"
    assert not MessageRevision.objects.filter(body__icontains=w.distinct.username).exists()
    # The friend's notification of the person's mention no longer names them.
    titles = list(Notification.objects.filter(recipient=w.friend, kind="mention").values_list("title", flat=True))
    assert titles and all(w.distinct.display_name not in title for title in titles)
    assert any(title.startswith("Deleted user mentioned you") for title in titles)


def test_tokens_and_sessions_end():
    w = world()
    browser = logged_in_client(w.person)
    assert browser.get("/accounts/data/").status_code == 200
    client, status = delete_me(w)
    assert status == 204
    assert not Token.objects.filter(user_id=w.person.pk).exists()
    assert client.get("/api/v1/me/").status_code == 401
    response = browser.get("/accounts/data/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not APIClient().login(username=w.distinct.username, password=PASSWORD)


def test_the_seat_the_person_held_is_offered_to_the_next_person_waiting():
    w = world()
    assert WaitlistEntry.objects.get(event=w.full_event, user=w.waiting).state == "waiting"
    delete_me(w)
    assert not Rsvp.objects.filter(user_id=w.person.pk).exists()
    assert WaitlistEntry.objects.get(event=w.full_event, user=w.waiting).state == "offered"


def test_the_expert_profile_leaves_search_at_once():
    w = world()
    query = ExpertQuery(q=w.distinct.bio_word)
    assert [e.pk for e in search_experts(query, offset=0, limit=10).results] == [w.person.expert.pk]
    delete_me(w)
    assert search_experts(query, offset=0, limit=10).count == 0
    assert search_experts(ExpertQuery(q="Zephyrine"), offset=0, limit=10).count == 0
    assert "Zephyrine" not in APIClient().get("/api/v1/experts/", {"q": "Zephyrine"}).content.decode()


def test_an_erased_name_cannot_be_registered():
    w = world()
    delete_me(w)
    response = APIClient().post(
        "/api/v1/auth/register/",
        {"username": "deleted-999999", "email": "new@x.example", "password": "a long enough password 1"},
        format="json",
    )
    assert response.status_code == 400 and "username" in response.json()
    # The person's old username and address are free again.
    response = APIClient().post(
        "/api/v1/auth/register/",
        {"username": w.distinct.username, "email": w.distinct.email, "password": "a long enough password 1"},
        format="json",
    )
    assert response.status_code == 201


def test_erasure_is_one_transaction(monkeypatch):
    """An eraser failing halfway leaves everything as it was."""
    w = world()
    erasers = {eraser.name: eraser for eraser in personal_data.erasers()}

    def broken(user: User) -> None:
        raise RuntimeError("disk full")

    erasers["zz-broken"] = personal_data.Eraser("zz-broken", broken, (), order=1000)
    monkeypatch.setattr(personal_data._registry, "erasers", erasers)
    with pytest.raises(RuntimeError):
        delete_me(w)
    person = User.objects.get(pk=w.person.pk)
    assert person.username == w.distinct.username and person.erased_at is None
    assert Expert.objects.filter(user=w.person).exists()
    assert Membership.objects.filter(user=w.person).exists()
    assert Token.objects.filter(user=w.person).exists()


def in_persons_language(message: str) -> str:
    """The pages speak the world's person's language (French), as each user's pages do."""
    with translation.override("fr"):
        return escape(gettext(message))


def test_the_account_page_offers_the_download_and_the_deletion():
    w = world()
    browser = logged_in_client(w.person)
    html = browser.get("/accounts/data/").content.decode()
    assert 'href="/api/v1/me/export/"' in html
    assert 'action="/accounts/delete/"' in html and "csrfmiddlewaretoken" in html
    assert 'type="password"' in html and in_persons_language("This cannot be undone.") in html


def test_the_account_page_refuses_a_wrong_password_and_deletes_with_the_right_one():
    w = world()
    browser = logged_in_client(w.person)
    wrong = browser.post("/accounts/delete/", {"password": "nope"})
    assert wrong.status_code == 400 and in_persons_language("The password is not correct.") in wrong.content.decode()
    assert User.objects.get(pk=w.person.pk).is_active
    right = browser.post("/accounts/delete/", {"password": PASSWORD})
    assert right.status_code == 200 and in_persons_language("Your account was deleted") in right.content.decode()
    assert User.objects.get(pk=w.person.pk).erased_at is not None
    assert browser.get("/accounts/data/").status_code == 302


def test_the_deletion_form_needs_the_csrf_token():
    w = world()
    browser = logged_in_client(w.person)
    browser.handler.enforce_csrf_checks = True
    assert browser.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.get(pk=w.person.pk).is_active


def test_every_reference_to_a_user_is_erased_or_kept_on_purpose():
    """A model added with a user column and no registration in its app's ``personal_data`` fails here."""
    handled = personal_data.handled_references()
    assert [label for label, _model, _attname in user_references() if label not in handled] == []
