"""GET /api/v1/me/export/: one JSON document with everything the registry holds about the
caller, described by its own README, streamed in bounded memory, with nothing of other people's
private data."""

import json
import tracemalloc
from typing import Any

import pytest
from django.db import connections
from django.test import AsyncClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import personal_data
from accounts.export import FORMAT, export_chunks, export_head
from accounts.models import User
from accounts.services import token_for
from discussions.models import Message, Space
from discussions.services.spaces import space_leave
from tests.accounts.data_rights_world import World, logged_in_client, world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def streamed_body(response: Any) -> bytes:
    """A streaming response's whole body (the test clients' response types do not name it)."""
    return b"".join(response.streaming_content)


def export_of(user: User) -> dict:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="hub-export-')
    return json.loads(streamed_body(response))


@pytest.fixture
def exported() -> tuple[World, dict, str]:
    w = world()
    space_leave(slug=w.private_space.slug, user=w.person)  # a private space the person has left
    document = export_of(w.person)
    return w, document, json.dumps(document, ensure_ascii=False)


def test_the_export_holds_every_registered_section_described_by_its_readme(exported):
    _w, document, _text = exported
    sections = personal_data.export_sections()
    assert document["format"] == FORMAT
    assert set(document) == {"format", "generated_at", "readme"} | {section.name for section in sections}
    readme = document["readme"]["sections"]
    for section in sections:
        described = readme[section.name]
        assert described["description"]
        assert described["type"] == ("object" if section.single else "list")
        value = document[section.name]
        items = ([value] if value is not None else []) if section.single else value
        for item in items:
            # Machine-readable: every field of every item is described, and nothing described is missing.
            assert set(item) == set(described["fields"]), section.name
    assert "discussions.Message.author" in document["readme"]["kept_after_deletion"]


def test_the_export_holds_the_contract_s_items(exported):
    w, document, _text = exported
    assert document["account"]["username"] == w.distinct.username
    assert document["account"]["email"] == w.distinct.email
    assert {m["space"] for m in document["memberships"]} == {"objective-9"}
    bodies = {m["body"] for m in document["messages"]}
    assert bodies == {
        "Remittance corridors need much cheaper transfers.",
        "@friend_fa what do you think?",
        "Draft summary attached.",  # in the private space the person has since left: their own words
    }
    assert [r["body"] for r in document["message_revisions"]] == ["Remittance corridors need cheaper transfers."]
    assert [r["emoji"] for r in document["reactions"]] == ["👍"]
    assert w.distinct.bio_word in document["expert_profile"]["bio"]
    assert [c["message"] for c in document["contacts_sent"]] == ["Could we talk?"]
    assert [c["message"] for c in document["contacts_received"]] == ["I read your bio."]
    assert [r["comment"] for r in document["reviews"]] == ["Solid."]
    assert {(r["event_title"], r["response"]) for r in document["rsvps"]} == {
        ("Diaspora bonds", "maybe"),
        ("Small workshop", "yes"),
    }
    assert {n["kind"] for n in document["notifications"]} >= {"mention", "space_invitation", "contact_request"}
    assert document["subscriptions"]["objectives"] == ["9"]
    assert document["preferences"]["email"] == "immediate"
    assert document["organizer"]["calendar_feed_since"] is not None
    assert [e["title"] for e in document["events_organized"]] == ["Remittances in practice"]


def test_the_export_holds_nothing_of_other_people_s_private_data(exported):
    w, document, text = exported
    # Another person's message in a private space the person was never in.
    assert w.friend_private_message.body not in text
    # Messages by others, even where the person was a member, are theirs, not the person's (a
    # notification that quoted one to the person is the person's own inbox, and stays).
    messages = json.dumps(document["messages"] + document["message_revisions"])
    assert "please summarise" not in messages and "Good point" not in messages
    # Nobody else's address, though the person wrote to, was written by and invited them.
    for other in (w.friend, w.moderator, w.staff, w.waiting):
        assert other.email not in text
    assert w.friend_expert.email not in text
    assert document["contacts_received"][0]["sender"] == {"username": "friend_fa", "display_name": "Fatou Friend"}
    # No secrets: the API token and the calendar feed's token stay out.
    assert token_for(w.person) not in text
    assert w.person.calendar_feed.token not in text


def test_the_export_needs_authentication():
    assert APIClient().get("/api/v1/me/export/").status_code == 401


def test_the_account_page_s_link_downloads_with_the_session():
    user = UserFactory.create()
    response = logged_in_client(user).get("/api/v1/me/export/")
    assert response.status_code == 200
    assert json.loads(streamed_body(response))["account"]["username"] == user.username


def _user_with_messages(count: int) -> User:
    user = UserFactory.create()
    space = Space.objects.create(slug=f"long-{count}", name=f"Long {count}")
    now = timezone.now()
    Message.objects.bulk_create(
        Message(space=space, seq=seq, author=user, body=f"{seq} " + "remittances " * 90, created_at=now)
        for seq in range(1, count + 1)
    )
    return user


def _exported_bytes_and_peak(user: User) -> tuple[int, int, int]:
    head = export_head()
    size = chunks = 0
    tracemalloc.start()
    try:
        for chunk in export_chunks(user, head):
            size += len(chunk)
            chunks += 1
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, chunks, peak


def test_the_export_s_memory_does_not_grow_with_the_number_of_messages():
    # Both well past two of the querysets' chunks (EXPORT_CHUNK_SIZE): one is read while the
    # previous is still referenced, so that is the peak of any export longer than that.
    small_size, _chunks, small_peak = _exported_bytes_and_peak(_user_with_messages(1500))
    large_size, chunks, large_peak = _exported_bytes_and_peak(_user_with_messages(6000))
    assert large_size > 3.5 * small_size  # four times the messages...
    assert chunks > 50  # ...written a chunk at a time...
    assert large_peak < 1.5 * small_peak  # ...in about the same memory
    assert large_peak < large_size / 3


@pytest.mark.django_db(transaction=True)
async def test_served_through_asgi_the_export_streams_from_an_async_iterator():
    from asgiref.sync import sync_to_async

    user = await sync_to_async(UserFactory.create)()
    key = await sync_to_async(token_for)(user)
    response: Any = await AsyncClient().get("/api/v1/me/export/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.is_async
    body = b"".join([chunk async for chunk in response.streaming_content])
    # The thread that served the request keeps its connection; close it, or the test database
    # cannot be dropped (as tests/hub/test_error_pages.py does).
    await sync_to_async(connections.close_all)()
    assert json.loads(body)["account"]["username"] == user.username
