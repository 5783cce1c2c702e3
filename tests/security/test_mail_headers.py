"""Mail and header abuse: a line break in anything that becomes an email header is refused with a
400 and nothing is recorded or sent; an expert's address appears in no answer, page or export.

Every text that reaches a header somewhere: the contact relay's subject (the relay's Subject),
display names (notification titles, hence Subjects: "Amina wrote to you: ..."), event titles
(invitation and cancellation Subjects) and invitation addresses (To).
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_for
from events.models import Event, Invitation
from experts.models import ExpertContact
from tests.events.factories import EventFactory, organizer_user
from tests.experts.factories import ExpertFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Each ends a header line for some mail user agent or parser; the text after it would be a header.
LINE_BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00"]
INJECTED = "Bcc: victim@evil.example"


def injected(text: str, line_break: str) -> str:
    return f"{text}{line_break}{INJECTED}"


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def sender():
    return UserFactory.create(email="sender@example.org")


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_a_contact_subject_with_a_line_break_is_400_and_nothing_is_sent(
    taxonomy, sender, line_break, django_capture_on_commit_callbacks
):
    expert = ExpertFactory.create(email="hidden@experts.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(sender).post(
            f"/api/v1/experts/{expert.pk}/contact/", {"subject": injected("Hello", line_break), "message": "Hi"}
        )
    assert response.status_code == 400, response.content
    assert not ExpertContact.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_a_display_name_with_a_line_break_is_refused_at_registration_and_on_change(line_break):
    name = injected("Amina", line_break)
    registration = APIClient().post(
        "/api/v1/auth/register/",
        {"username": "amina", "email": "amina@example.org", "password": "a long enough pass phrase 42",
         "display_name": name},
    )  # fmt: skip
    assert registration.status_code == 400, registration.content
    assert not User.objects.filter(username="amina").exists()

    user = UserFactory.create(display_name="Kwame")
    change = as_user(user).patch("/api/v1/me/", {"display_name": name})
    assert change.status_code == 400, change.content
    user.refresh_from_db()
    assert user.display_name == "Kwame"


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_a_display_name_with_a_line_break_is_refused_by_the_registration_page(line_break):
    page = Client().post(
        "/accounts/register/",
        {"username": "amina", "email": "amina@example.org", "password1": PASSWORD, "password2": PASSWORD,
         "display_name": injected("Amina", line_break)},
    )  # fmt: skip
    assert page.status_code in (200, 400)  # the form again, with its error
    assert not User.objects.filter(username="amina").exists()


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_an_event_title_with_a_line_break_is_400_on_creation_and_change(line_break):
    organizer = organizer_user()
    start = timezone.now() + dt.timedelta(days=5)
    created = as_user(organizer).post(
        "/api/v1/events/",
        {"title": injected("GCM Talk", line_break), "starts_at": start.isoformat(),
         "ends_at": (start + dt.timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert created.status_code == 400, created.content
    assert not Event.objects.exists()

    event = EventFactory.create(organizer=organizer, title="GCM Talk")
    changed = as_user(organizer).patch(f"/api/v1/events/{event.pk}/", {"title": injected("GCM Talk", line_break)})
    assert changed.status_code == 400, changed.content
    event.refresh_from_db()
    assert event.title == "GCM Talk"


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "%0d%0a"], ids=repr)
def test_an_invitation_address_with_a_line_break_is_400_and_nothing_is_sent(
    line_break, django_capture_on_commit_callbacks
):
    organizer = organizer_user()
    event = EventFactory.create(organizer=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(organizer).post(
            f"/api/v1/events/{event.pk}/invitations/", {"emails": [f"guest@example.org{line_break}{INJECTED}"]}
        )
    assert response.status_code == 400, response.content
    assert not Invitation.objects.exists()
    assert mail.outbox == []
