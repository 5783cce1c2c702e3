"""One-click unsubscribe (RFC 8058): a signed link, a confirmation page on GET, email off on POST without cookies."""

import pytest
from django.core import signing
from django.test import Client

from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services import notification_create
from notifications.unsubscribe import unsubscribe_token, unsubscribe_token_user_id
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Email = NotificationPreference.Email


def path_for(user, **kwargs) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, **kwargs)}/"


def one_click(path: str):
    """What a mail client sends: a POST with this exact body, no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_get_shows_a_confirmation_button_and_changes_nothing():
    amina = UserFactory.create()
    response = Client().get(path_for(amina))
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert not NotificationPreference.objects.exists()


def test_one_click_post_without_cookies_turns_email_off():
    amina, bo = UserFactory.create(), UserFactory.create()
    response = one_click(path_for(amina))
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=amina).email == Email.OFF
    assert not NotificationPreference.objects.filter(user=bo).exists()
    assert one_click(path_for(amina)).status_code == 200  # again: still off, no error


def test_after_unsubscribing_notifications_arrive_in_app_only(django_capture_on_commit_callbacks):
    amina = UserFactory.create()
    one_click(path_for(amina))
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(recipient=amina, kind=Notification.Kind.MENTION, title="Hi", source_key="m:1")
    assert Notification.objects.filter(recipient=amina).count() == 1
    assert not EmailDelivery.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        signing.Signer(salt="something.else").sign("1"),  # signed by the site, for another purpose
    ],
)
def test_a_bad_or_foreign_token_is_a_400_page_and_changes_nothing(token):
    UserFactory.create()
    for response in (
        Client().get(f"/notifications/unsubscribe/{token}/"),
        one_click(f"/notifications/unsubscribe/{token}/"),
    ):
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert not NotificationPreference.objects.exists()


def test_a_token_for_another_purpose_does_not_unsubscribe_from_notification_emails():
    amina = UserFactory.create()
    assert one_click(path_for(amina, purpose="daily_digest")).status_code == 400
    assert unsubscribe_token_user_id(unsubscribe_token(user_id=amina.pk, purpose="daily_digest")) is None


def test_a_token_of_a_deleted_user_is_a_400_page():
    amina = UserFactory.create()
    path = path_for(amina)
    amina.delete()
    assert one_click(path).status_code == 400


def test_the_page_speaks_the_users_language():
    french = UserFactory.create(language="fr")
    response = Client().get(path_for(french))
    assert b'<html lang="fr"' in response.content
