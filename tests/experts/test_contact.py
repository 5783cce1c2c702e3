"""Contacting an expert: recorded, told in the Hub, relayed over real SMTP without revealing the
expert's address, refused when the expert opts out, rate limited, and safe from header injection."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from experts.models import ExpertContact
from experts.services.contact import contact_relay, expert_contact
from experts.tasks import expert_contact_relay_sweep
from hub.errors import HubError
from notifications.models import Notification
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
EXPERT_ADDRESS = "amina.private@experts.example"
HELLO = {"subject": "Question about fair recruitment", "message": "Could we talk about recruitment fees?"}


@pytest.fixture
def mailbox(request):
    """The real SMTP server (tests/notifications/smtp.py): Django sends to it, Celery runs eagerly."""
    return request.getfixturevalue("smtp_server")


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def expert_user(db):
    return UserFactory.create(username="amina", display_name="Amina Diallo")


@pytest.fixture
def expert(expert_user):
    return ExpertFactory.create(user=expert_user, name="Amina Diallo", email=EXPERT_ADDRESS)


@pytest.fixture
def sender(db):
    return UserFactory.create(username="karim", display_name="Karim Haddad", email="karim@ngo.example")


def contact(client, expert, **fields):
    return client.post(f"/api/v1/experts/{expert.pk}/contact/", {**HELLO, **fields})


class TestRelay:
    def test_a_contact_is_relayed_by_smtp_without_revealing_the_expert_address(
        self, mailbox, expert, sender, django_capture_on_commit_callbacks, settings
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = contact(as_user(sender), expert)
        assert response.status_code == 202
        recorded = ExpertContact.objects.get()
        assert response.json() == {"id": recorded.pk, "created_at": response.json()["created_at"]}

        [mail] = mailbox.messages
        assert mail.rcpt_tos == [EXPERT_ADDRESS]  # the envelope only
        for name, value in mail.message.items():
            assert EXPERT_ADDRESS not in str(value).lower(), f"the expert's address is in {name}"
        assert EXPERT_ADDRESS not in mail.text
        assert mail.message["To"] == "undisclosed-recipients:;"
        assert mail.message["Bcc"] is None
        assert mail.message["Reply-To"] == "karim@ngo.example"
        assert mail.message["From"] == settings.DEFAULT_FROM_EMAIL
        assert mail.message["Subject"] == "[Migration Network Hub] Question about fair recruitment"
        assert "Karim Haddad (@karim on the Migration Network Hub)" in mail.text
        assert "Could we talk about recruitment fees?" in mail.text
        assert "reply to this email" in mail.text
        recorded.refresh_from_db()
        assert recorded.relayed_at is not None

    def test_the_expert_is_told_in_the_hub(
        self, mailbox, expert, expert_user, sender, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            contact(as_user(sender), expert)
        recorded = ExpertContact.objects.get()
        notification = Notification.objects.get(recipient=expert_user)
        assert notification.kind == Notification.Kind.CONTACT_REQUEST
        assert notification.source_key == f"contact:{recorded.pk}"
        assert notification.title == "Karim Haddad wrote to you: Question about fair recruitment"
        assert notification.url == f"/experts/{expert.pk}/"
        assert len(mailbox.messages) == 1  # the relay, not a second notification email

    def test_an_expert_without_an_account_gets_the_email_only(
        self, mailbox, sender, django_capture_on_commit_callbacks
    ):
        roster = ExpertFactory.create(user=None, email="roster@iom.example", profile_language="fr")
        with django_capture_on_commit_callbacks(execute=True):
            assert contact(as_user(sender), roster).status_code == 202
        [mail] = mailbox.messages
        assert mail.rcpt_tos == ["roster@iom.example"]
        assert not Notification.objects.exists()

    def test_a_relay_runs_once_however_often_its_task_does(self, mailbox, expert, sender):
        recorded = expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
        assert contact_relay(contact_id=recorded.pk) is True
        assert contact_relay(contact_id=recorded.pk) is False
        assert len(mailbox.messages) == 1

    def test_a_relay_the_server_could_not_take_is_sent_by_the_sweep(
        self, mailbox, expert, sender, time_machine, django_capture_on_commit_callbacks
    ):
        time_machine.move_to(NOON, tick=False)
        mailbox.refuse_recipients_with = "451 Try again later"
        with django_capture_on_commit_callbacks(execute=True):  # the task's retries all fail (logged)
            assert contact(as_user(sender), expert).status_code == 202
        assert mailbox.messages == []
        assert ExpertContact.objects.get().relayed_at is None  # released for another try

        mailbox.refuse_recipients_with = None
        time_machine.shift(dt.timedelta(minutes=4))
        assert expert_contact_relay_sweep() == 0  # too recent: its own task may still be queued
        time_machine.shift(dt.timedelta(minutes=2))
        assert expert_contact_relay_sweep() == 1
        assert [mail.rcpt_tos for mail in mailbox.messages] == [[EXPERT_ADDRESS]]
        assert expert_contact_relay_sweep() == 0

    def test_an_address_refused_for_good_is_not_retried(self, mailbox, expert, sender):
        recorded = expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
        mailbox.refuse_recipients_with = "550 No such user here"
        assert contact_relay(contact_id=recorded.pk) is False
        recorded.refresh_from_db()
        assert recorded.relayed_at is not None


class TestRefusals:
    def test_an_expert_who_does_not_accept_contact_is_403_and_nothing_is_sent(
        self, mailbox, expert_user, sender, django_capture_on_commit_callbacks
    ):
        closed = ExpertFactory.create(user=expert_user, accepts_contact=False)
        with django_capture_on_commit_callbacks(execute=True):
            response = contact(as_user(sender), closed)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert not ExpertContact.objects.exists()
        assert mailbox.messages == []
        assert not Notification.objects.exists()

    def test_contacting_oneself_is_400(self, expert, expert_user):
        response = contact(as_user(expert_user), expert)
        assert response.status_code == 400
        assert not ExpertContact.objects.exists()

    def test_anonymous_callers_cannot_contact(self, api_client, expert):
        assert contact(api_client, expert).status_code == 401

    def test_a_missing_expert_is_404(self, sender, db):
        assert as_user(sender).post("/api/v1/experts/999999/contact/", HELLO).status_code == 404

    @pytest.mark.parametrize(
        "subject",
        ["Hello\r\nBcc: victim@example.org", "Hello\nBcc: victim@example.org", "Hello\rX: y", "Hi\u2028there"],
    )
    def test_a_line_break_in_the_subject_is_400_and_nothing_is_recorded(
        self, mailbox, expert, sender, subject, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = contact(as_user(sender), expert, subject=subject)
        assert response.status_code == 400
        assert "subject" in response.json()
        assert not ExpertContact.objects.exists()
        assert mailbox.messages == []

    def test_the_service_refuses_a_line_break_too(self, expert, sender):
        with pytest.raises(HubError):
            expert_contact(expert_id=expert.pk, sender=sender, subject="a\nb", message="m")
        assert not ExpertContact.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"), [("subject", "s" * 201), ("message", "m" * 5_001), ("subject", "  "), ("message", "")]
    )
    def test_lengths_are_checked(self, expert, sender, field, value):
        response = contact(as_user(sender), expert, **{field: value})
        assert response.status_code == 400
        assert field in response.json()

    def test_the_longest_subject_and_message_pass(self, expert, sender):
        assert contact(as_user(sender), expert, subject="s" * 200, message="m" * 5_000).status_code == 202


class TestRateLimit:
    def test_the_sixth_contact_in_an_hour_is_429_until_the_oldest_leaves_the_window(self, expert, sender, time_machine):
        time_machine.move_to(NOON, tick=False)
        client = as_user(sender)
        others = [ExpertFactory.create() for _ in range(5)]
        for minute, other in enumerate(others):
            assert contact(client, other).status_code == 202
            time_machine.shift(dt.timedelta(minutes=10 if minute == 0 else 1))
        # Now 12:14; the first contact (12:00) leaves the window at 13:00.
        refused = contact(client, expert)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert refused["Retry-After"] == str(46 * 60)
        assert ExpertContact.objects.count() == 5

        time_machine.shift(dt.timedelta(minutes=46) - dt.timedelta(seconds=1))
        assert contact(client, expert).status_code == 429
        time_machine.shift(dt.timedelta(seconds=1))
        assert contact(client, expert).status_code == 202
        assert contact(client, expert).status_code == 429  # 12:10's contact is still in the window

    def test_the_limit_is_per_sender(self, expert, sender, time_machine):
        time_machine.move_to(NOON, tick=False)
        for _ in range(5):
            assert contact(as_user(sender), expert).status_code == 202
        assert contact(as_user(UserFactory.create()), expert).status_code == 202

    def test_refused_attempts_do_not_count(self, expert_user, expert, sender, time_machine):
        time_machine.move_to(NOON, tick=False)
        closed = ExpertFactory.create(accepts_contact=False)
        for _ in range(6):
            assert contact(as_user(sender), closed).status_code == 403
        assert contact(as_user(sender), expert).status_code == 202

    @pytest.mark.services
    @pytest.mark.django_db(transaction=True)
    def test_parallel_contacts_cannot_pass_the_limit(self, expert, sender, monkeypatch):
        monkeypatch.setattr("experts.services.contact._enqueue_relay", lambda contact_id: None)
        outcomes: list[object] = []
        start = threading.Barrier(12)

        def attempt() -> None:
            start.wait()
            try:
                expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
                outcomes.append("sent")
            except HubError as error:
                outcomes.append(error.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count("sent") == 5
        assert outcomes.count("rate_limited") == 7
        assert ExpertContact.objects.filter(sender=sender).count() == 5


class TestContactsList:
    def test_the_expert_sees_who_wrote(self, expert, expert_user, sender):
        expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
        response = as_user(expert_user).get(f"/api/v1/experts/{expert.pk}/contacts/")
        assert response.status_code == 200
        [row] = response.json()["results"]
        assert row["sender"] == {"username": "karim", "display_name": "Karim Haddad"}
        assert (row["subject"], row["message"]) == (HELLO["subject"], HELLO["message"])
        assert "karim@ngo.example" not in response.content.decode()

    def test_staff_see_them_too(self, expert, sender, staff_user):
        expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
        response = as_user(staff_user).get(f"/api/v1/experts/{expert.pk}/contacts/")
        assert response.json()["count"] == 1

    def test_anyone_else_gets_404_even_the_sender(self, expert, sender):
        expert_contact(expert_id=expert.pk, sender=sender, **HELLO)
        assert as_user(sender).get(f"/api/v1/experts/{expert.pk}/contacts/").status_code == 404
        assert as_user(UserFactory.create()).get(f"/api/v1/experts/{expert.pk}/contacts/").status_code == 404

    def test_anonymous_callers_get_401(self, api_client, expert):
        assert api_client.get(f"/api/v1/experts/{expert.pk}/contacts/").status_code == 401


def test_expert_contacts_list_query_count(expert, expert_user):
    """As many queries for 20 contacts (from 20 senders) as for 2."""
    client = as_user(expert_user)
    url = f"/api/v1/experts/{expert.pk}/contacts/"

    def add(n: int) -> None:
        for _ in range(n):
            ExpertContact.objects.create(expert=expert, sender=UserFactory.create(), subject="s", message="m")

    def get() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    add(2)
    queries_for_2, rows = get()
    assert rows == 2
    add(18)
    queries_for_20, rows = get()
    assert rows == 20
    assert queries_for_20 == queries_for_2
