"""The one-click links (notifications/unsubscribe.py, experts/contact_opt_out.py) cannot be forged:
a tampered signature, another user's id under my signature, a token of another purpose or salt,
or my link replayed by someone else's session all leave everyone else's settings as they were."""

import pytest
from django.core import signing
from django.test import Client

from experts.contact_opt_out import contact_opt_out_token
from experts.models import Expert
from notifications.models import NotificationPreference
from notifications.unsubscribe import unsubscribe_token
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OFF = NotificationPreference.Email.OFF


def one_click(path: str, client: Client | None = None):
    """What a mail client sends: this exact body, no cookie, no CSRF token."""
    client = client or Client(enforce_csrf_checks=True)
    return client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")


def email_off(user) -> bool:
    return NotificationPreference.objects.filter(user=user, email=OFF).exists()


def forgeries(mine: str, my_id: int, their_id: int) -> list[str]:
    value, signature = mine.rsplit(":", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        f"{value}:{flipped}",  # tampered signature
        f"{their_id}:{signature}",  # their id under my signature
        f"{value}{their_id}:{signature}",  # an id grown by appending digits
        f"{their_id}",  # no signature at all
        f"{value}:{signature.upper()}",
        f"{value}:{signature}x",
        f" {mine}",
        signing.Signer().sign(str(their_id)),  # the site's key, without the purpose's salt
        signing.Signer(salt="notifications.unsubscribe").sign(str(their_id)),  # the salt's prefix only
        signing.dumps(their_id, salt="notifications.unsubscribe:notification_email"),  # a timestamped dump
        contact_opt_out_token(their_id),  # a valid token of another link
    ]


def test_no_forgery_of_my_unsubscribe_link_unsubscribes_anyone():
    me, them = UserFactory.create(), UserFactory.create()
    for token in forgeries(unsubscribe_token(user_id=me.pk), me.pk, them.pk):
        response = one_click(f"/notifications/unsubscribe/{token}/")
        assert response.status_code in (400, 404), token
    assert not NotificationPreference.objects.filter(email=OFF).exists()


def test_my_link_replayed_in_someone_elses_session_unsubscribes_me_only():
    me, them = UserFactory.create(), UserFactory.create()
    their_session = Client()
    their_session.force_login(them)
    path = f"/notifications/unsubscribe/{unsubscribe_token(user_id=me.pk)}/"
    assert one_click(path, their_session).status_code == 200
    assert one_click(path, their_session).status_code == 200  # replayed: the same effect, on me only
    assert email_off(me)
    assert not email_off(them)


def test_no_forgery_of_an_experts_opt_out_link_stops_another_experts_contacts(taxonomy):
    mine, theirs = ExpertFactory.create(), ExpertFactory.create()
    for token in forgeries(contact_opt_out_token(mine.pk), mine.pk, theirs.pk):
        if token == contact_opt_out_token(theirs.pk):
            continue  # that one is genuinely theirs
        response = one_click(f"/experts/contact-opt-out/{token}/")
        assert response.status_code in (400, 404), token
    assert Expert.objects.filter(accepts_contact=False).count() == 0
