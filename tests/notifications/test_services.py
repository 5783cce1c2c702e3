import pytest

from notifications.models import EmailDelivery, Notification
from notifications.services import notification_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_same_source_key_twice_creates_one_notification_and_sends_one_email(
    smtp_server, django_capture_on_commit_callbacks
):
    amina = UserFactory.create(email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_create(
            recipient=amina, kind=Notification.Kind.CONTACT_REQUEST, title="Hello", source_key="contact:1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = notification_create(
            recipient=amina, kind=Notification.Kind.CONTACT_REQUEST, title="Hello again", source_key="contact:1"
        )
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=amina).count() == 1
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["amina@example.org"]
    assert mail.message["Subject"] == "Hello"
    assert EmailDelivery.objects.get().state == EmailDelivery.State.SENT
