"""An expert's address appears in no API answer, no page and no export, to the people who contact
them, to staff (but in the profile's edit form) or to anyone: every read operation of the OpenAPI
document and every page of the URL resolver is fetched (tests/security/walk.py) and searched for
the hostile world's addresses, after a contact was made and relayed. No email's headers or body
carry it either (the relay has it in the SMTP envelope only)."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from experts.models import ExpertContact
from experts.services.contact import contact_relay
from tests.factories import UserFactory
from tests.security.walk import api_read_paths, page_paths

DOMAIN = b"@experts.example"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def sender(world, django_capture_on_commit_callbacks):
    sender = UserFactory.create(username="curious", email="curious@example.org")
    client = APIClient()
    client.force_authenticate(sender)
    expert = world.experts[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/experts/{expert.pk}/contact/", {"subject": "A question", "message": "Hi"})
    assert response.status_code == 202, response.content
    contact_relay(contact_id=ExpertContact.objects.get(sender=sender).pk)
    return sender


@pytest.mark.parametrize("who", ["sender", "staff"])
def test_no_answer_page_or_email_to_the_sender_carries_an_experts_address(world, sender, who):
    reader = sender if who == "sender" else world.viewer
    api, pages = APIClient(), Client()
    api.force_authenticate(reader)
    pages.force_login(reader)
    leaks = []
    for path in api_read_paths(world):
        response = api.get(path)
        if DOMAIN in body_of(response).lower():
            leaks.append(f"GET {path} ({response.status_code})")
    for path in page_paths(world):
        if who == "staff" and path == f"/experts/{world.experts[0].pk}/edit/":
            continue  # the one place by design: the profile's edit form, for the expert and staff
        page = pages.get(path)
        if DOMAIN in body_of(page).lower():
            leaks.append(f"page {path} ({page.status_code})")
    assert leaks == []

    assert mail.outbox, "the contact was not relayed: nothing to look at"
    for message in mail.outbox:
        # The relay names the expert in blind copy only: in no header and not in the body.
        assert DOMAIN.decode() not in message.message().as_string().lower(), message.subject
