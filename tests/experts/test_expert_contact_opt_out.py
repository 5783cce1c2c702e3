"""Every contact relay carries a one-click link (RFC 8058) that stops further contacts, with no login."""

import pytest
from django.test import Client

from experts.contact_opt_out import contact_opt_out_token, contact_opt_out_url
from experts.models import Expert
from experts.services.contact import contact_relay, expert_contact
from hub.errors import HubError
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(request):
    return request.getfixturevalue("smtp_server")


@pytest.fixture
def expert(db):
    return ExpertFactory.create(user=None, name="Amina Diallo", email="amina.private@experts.example")


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000").removeprefix("http://testserver")


def test_the_relay_carries_a_one_click_opt_out(mailbox, expert, settings):
    sender = UserFactory.create()
    contact = expert_contact(expert_id=expert.pk, sender=sender, subject="Hello", message="Hi")
    contact_relay(contact_id=contact.pk)
    [mail] = mailbox.messages
    url = contact_opt_out_url(expert.pk)
    assert url.startswith(settings.SITE_URL + "/")
    # Folded onto a second line when long (RFC 5322): the value is the same once unfolded.
    assert str(mail.message["List-Unsubscribe"]).strip() == f"<{url}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail.text


def test_one_click_post_without_cookie_or_csrf_stops_contacts(expert):
    client = Client(enforce_csrf_checks=True)
    url = path_of(contact_opt_out_url(expert.pk))
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    expert.refresh_from_db()
    assert expert.accepts_contact is False

    sender = UserFactory.create()
    with pytest.raises(HubError) as refused:
        expert_contact(expert_id=expert.pk, sender=sender, subject="Hello", message="Hi")
    assert refused.value.code == "forbidden"


def test_opening_the_link_only_asks(expert):
    response = Client().get(path_of(contact_opt_out_url(expert.pk)))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert Expert.objects.get(pk=expert.pk).accepts_contact is True


@pytest.mark.parametrize("token", ["garbage", "7:forged-signature"])
def test_a_forged_or_damaged_link_changes_nothing(expert, token):
    response = Client().post(f"/experts/contact-opt-out/{token}/")
    assert response.status_code == 400
    assert Expert.objects.get(pk=expert.pk).accepts_contact is True


def test_a_token_names_only_its_own_expert(expert):
    other = ExpertFactory.create()
    token = contact_opt_out_token(expert.pk)
    tampered = f"{other.pk}:{token.split(':', 1)[1]}"
    assert Client().post(f"/experts/contact-opt-out/{tampered}/").status_code == 400
    Client().post(f"/experts/contact-opt-out/{token}/")
    assert Expert.objects.get(pk=other.pk).accepts_contact is True
    assert Expert.objects.get(pk=expert.pk).accepts_contact is False
