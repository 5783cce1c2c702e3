"""Webhooks in data rights: a user's webhooks in their export (never the secret); erasing a user
removes their webhooks and scrubs their names from other webhooks' stored payloads."""

import json

import pytest

from accounts.erasure import user_erase
from accounts.personal_data import erasers, export_sections
from discussions.services.posting import message_post
from tests.factories import UserFactory
from tests.webhooks.conftest import SECRET, member, webhook
from webhooks.models import Delivery, Webhook
from webhooks.personal_data import webhook_items

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_users_webhooks_without_their_secrets(public_space):
    owner = UserFactory.create()
    mine = webhook("https://hooks.example.org/a", owner=owner, space=public_space)
    webhook("https://hooks.example.org/b")  # someone else's
    items = list(webhook_items(owner))
    assert [item["id"] for item in items] == [mine.pk]
    assert items[0]["space"] == public_space.slug
    assert SECRET not in json.dumps(items)
    assert "webhooks" in {section.name for section in export_sections()}
    assert "webhooks" in {eraser.name for eraser in erasers()}


def test_erasing_a_user_removes_their_webhooks_and_their_names_from_stored_payloads(public_space):
    listening = webhook("https://hooks.example.org/in")
    leaving = member(public_space, username="amina_w", display_name="Amina Wanjiru", email="amina@example.org")
    own = webhook("https://hooks.example.org/mine", owner=leaving)
    other = member(public_space, username="bo", display_name="Bo Larsen")
    message_post(slug=public_space.slug, author=leaving, body="Hello from Amina Wanjiru")
    message_post(slug=public_space.slug, author=other, body="@amina_w thanks; write to amina@example.org")
    message_post(slug=public_space.slug, author=other, body="the laminated amina_wx poster stays")
    user_erase(user_id=leaving.pk)
    assert not Webhook.objects.filter(pk=own.pk).exists()
    stored = json.dumps(list(Delivery.objects.filter(webhook=listening).order_by("pk").values_list("data", flat=True)))
    for trace in ('amina_w"', "@amina_w ", "Amina Wanjiru", "amina@example.org"):
        assert trace not in stored
    payloads = list(Delivery.objects.filter(webhook=listening).order_by("pk").values_list("data", flat=True))
    neutral = f"deleted-{leaving.pk}"
    assert payloads[0]["author"] == {"id": leaving.pk, "username": neutral, "display_name": neutral}
    assert payloads[0]["body"] == f"Hello from {neutral}"
    assert payloads[1]["body"].startswith(f"@{neutral} thanks")
    assert payloads[1]["author"]["display_name"] == "Bo Larsen"  # others stay as they are
    assert payloads[2]["body"] == "the laminated amina_wx poster stays"  # a word that merely contains it
