"""notification_create: once per (recipient, kind, source_key), in the recipient's language, email per preference."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from notifications import services
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services import notification_create, notification_email_preference_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
# A message Django itself translates (its own catalogs ship with it; the Hub's are a later issue).
REQUIRED = gettext_lazy("This field is required.")


def required_in(language: str) -> str:
    with translation.override(language):
        text = str(REQUIRED)
    assert text != "This field is required.", f"Django has no {language} catalog here"
    return text


def create(recipient, *, source_key="contact:1", **kwargs):
    kwargs.setdefault("kind", Kind.CONTACT_REQUEST)
    kwargs.setdefault("title", "Someone wrote to you")
    return notification_create(recipient=recipient, source_key=source_key, **kwargs)


def test_same_source_key_twice_creates_one_notification_and_sends_one_email(
    smtp_server, django_capture_on_commit_callbacks
):
    amina = UserFactory.create(email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = create(amina, title="Hello")
    with django_capture_on_commit_callbacks(execute=True):
        second = create(amina, title="Hello again")
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=amina).count() == 1
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["amina@example.org"]
    assert mail.message["Subject"] == "Hello"
    assert EmailDelivery.objects.get().state == EmailDelivery.State.SENT


def test_same_key_for_another_kind_or_recipient_is_a_new_notification():
    amina, bo = UserFactory.create(), UserFactory.create()
    assert create(amina, kind=Kind.CONTACT_REQUEST) is not None
    assert create(amina, kind=Kind.REVIEW_ASSIGNED) is not None
    assert create(bo, kind=Kind.CONTACT_REQUEST) is not None
    assert Notification.objects.count() == 3


def test_the_row_is_stored_with_the_contract_fields():
    amina = UserFactory.create()
    notification = create(amina, title="New event", body="Details", url="/events/12/", kind=Kind.EVENT_ANNOUNCEMENT)
    assert notification is not None
    stored = Notification.objects.get()
    assert (stored.kind, stored.title, stored.body, stored.url, stored.read_at) == (
        "event_announcement",
        "New event",
        "Details",
        "/events/12/",
        None,
    )


def test_title_and_body_are_rendered_in_the_recipients_language_not_the_callers():
    french = UserFactory.create(language="fr")
    with translation.override("ar"):  # the person whose action caused it speaks Arabic
        create(french, title=REQUIRED, body=REQUIRED)
    stored = Notification.objects.get()
    assert stored.title == "Ce champ est obligatoire."
    assert stored.body == "Ce champ est obligatoire."
    assert translation.get_language() != "fr"  # the override did not leak


def languages_seen_while_rendering(monkeypatch) -> list[str | None]:
    seen: list[str | None] = []
    original = services._rendered

    def spy(text, params):
        seen.append(translation.get_language())
        return original(text, params)

    monkeypatch.setattr(services, "_rendered", spy)
    return seen


def test_chinese_is_djangos_zh_hans(monkeypatch):
    seen = languages_seen_while_rendering(monkeypatch)
    chinese = UserFactory.create(language="zh")
    create(chinese, title=REQUIRED)
    assert Notification.objects.get().title == required_in("zh-hans")
    assert seen[0] == "zh-hans"
    assert services.language_of(chinese) == "zh-hans"


def test_a_recipient_without_a_language_gets_the_sites_default(settings):
    settings.LANGUAGE_CODE = "es"
    nobody_chose = UserFactory.create(language="")
    with translation.override("fr"):
        create(nobody_chose, title=REQUIRED)
    assert Notification.objects.get().title == required_in("es")


def test_params_fill_the_placeholders_while_the_recipients_language_is_active(monkeypatch):
    seen = languages_seen_while_rendering(monkeypatch)
    russian = UserFactory.create(language="ru")
    create(russian, title="%(name)s wrote to you", body="About %(topic)s", params={"name": "Bo", "topic": "visas"})
    stored = Notification.objects.get()
    assert (stored.title, stored.body) == ("Bo wrote to you", "About visas")
    assert seen == ["ru", "ru"]


def test_a_long_or_multiline_title_is_shortened_to_fit():
    amina = UserFactory.create()
    create(amina, title="word " * 200)
    assert len(Notification.objects.get().title) <= 300


def test_url_must_be_a_path_on_the_hub():
    with pytest.raises(ValueError, match="path"):
        create(UserFactory.create(), url="https://elsewhere.example/")


def test_email_preference_off_still_creates_the_in_app_notification_but_no_email(
    smtp_server, django_capture_on_commit_callbacks
):
    amina = UserFactory.create()
    notification_email_preference_set(user=amina, email=NotificationPreference.Email.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        assert create(amina) is not None
    assert Notification.objects.filter(recipient=amina).exists()
    assert not EmailDelivery.objects.exists()
    assert smtp_server.messages == []


def test_daily_digest_preference_sends_nothing_immediately(smtp_server, django_capture_on_commit_callbacks):
    amina = UserFactory.create()
    notification_email_preference_set(user=amina, email=NotificationPreference.Email.DAILY_DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        create(amina)
    assert not EmailDelivery.objects.exists()
    assert smtp_server.messages == []


def test_email_false_or_no_address_means_no_delivery():
    create(UserFactory.create(), email=False)
    create(UserFactory.create(email=""))
    assert Notification.objects.count() == 2
    assert not EmailDelivery.objects.exists()


def test_preference_row_is_only_created_when_a_user_changes_it():
    amina = UserFactory.create()
    create(amina)
    assert not NotificationPreference.objects.exists()
    assert EmailDelivery.objects.count() == 1  # the default is "immediate"


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(smtp_server, django_capture_on_commit_callbacks):
    amina = UserFactory.create()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create(amina)
        raise RuntimeError("the cause failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert smtp_server.messages == []


def test_the_email_is_queued_only_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    queued: list[list[int]] = []
    monkeypatch.setattr("notifications.tasks.send_notification_emails.delay", queued.append)
    amina = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create(amina)
        assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [[EmailDelivery.objects.get().pk]]


def test_after_commit_hook_runs_once_with_the_new_notification(monkeypatch, django_capture_on_commit_callbacks):
    committed = []
    monkeypatch.setattr(
        services, "notification_committed", lambda notification, **kwargs: committed.append(notification)
    )
    amina = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        created = create(amina)
        create(amina)  # the repeat: no second hook
    assert committed == [created]


def test_the_database_refuses_a_second_row_for_the_same_source():
    """The guarantee does not rest on get_or_create's read: two racing transactions meet this constraint."""
    amina = UserFactory.create()
    fields = {"recipient": amina, "kind": Kind.MENTION, "source_key": "message:9", "title": "x"}
    Notification.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**fields)
