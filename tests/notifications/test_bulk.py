"""notifications_create_many: set-based, once per (recipient, kind, source_key), per language, email per preference."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from notifications import bulk, live
from notifications.bulk import notifications_create_many, rendered_texts
from notifications.models import EmailDelivery, Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Email = NotificationPreference.Email
# A message Django itself translates (its catalogs ship with it), with a placeholder filled per language.
REQUIRED = gettext_lazy("This field is required.")
ON_POSTGRESQL = connection.vendor == "postgresql"


def announce(recipients: Any, *, source_key: str = "event:1:announce", **kwargs: Any) -> int:
    kwargs.setdefault("kind", Kind.EVENT_ANNOUNCEMENT)
    kwargs.setdefault("title", "A new training")
    return notifications_create_many(recipients, source_key=source_key, **kwargs)


def in_language(language: str, text: Any) -> str:
    with translation.override(language):
        return str(text)


def test_each_recipient_gets_one_notification_in_their_own_language(django_capture_on_commit_callbacks):
    french = UserFactory.create(language="fr")
    chinese = UserFactory.create(language="zh")
    unchosen = UserFactory.create(language="")
    with translation.override("ar"), django_capture_on_commit_callbacks(execute=False):
        created = announce([french.pk, chinese.pk, unchosen.pk], title=REQUIRED, body=REQUIRED, url="/events/1/")
    assert created == 3
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles == {
        french.pk: in_language("fr", REQUIRED),
        chinese.pk: in_language("zh-hans", REQUIRED),
        unchosen.pk: in_language("en", REQUIRED),
    }
    assert in_language("fr", REQUIRED) != in_language("en", REQUIRED)
    stored = Notification.objects.get(recipient=french)
    assert (stored.kind, stored.body, stored.url, stored.source_key, stored.read_at) == (
        "event_announcement",
        in_language("fr", REQUIRED),
        "/events/1/",
        "event:1:announce",
        None,
    )
    assert translation.get_language() == "en"  # the overrides did not leak


def test_params_fill_the_placeholders_in_every_language():
    texts = rendered_texts(title="“%(title)s” is on", body="%(when)s", params={"title": "Talk", "when": "Monday"})
    assert {text.title for text in texts.values()} == {"“Talk” is on"}
    assert set(texts) == {"", "ar", "zh", "en", "fr", "ru", "es"}


def test_a_long_title_is_cut_to_the_column():
    [amina] = UserFactory.create_batch(1)
    announce([amina.pk], title="x" * 400)
    assert len(Notification.objects.get().title) == 300


def test_running_twice_creates_nothing_new(django_capture_on_commit_callbacks):
    users = UserFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=False) as first:
        assert announce([user.pk for user in users]) == 4
    with django_capture_on_commit_callbacks(execute=False) as second:
        assert announce([user.pk for user in users]) == 0
    assert Notification.objects.count() == 4
    assert EmailDelivery.objects.count() == 4
    assert first and not second  # nothing new: nothing queued either


def test_a_repeat_with_new_recipients_creates_only_theirs():
    old, new = UserFactory.create_batch(3), UserFactory.create_batch(2)
    announce([user.pk for user in old])
    assert announce([user.pk for user in old + new]) == 2
    assert Notification.objects.count() == 5
    assert EmailDelivery.objects.count() == 5


def test_another_source_key_or_kind_is_a_new_notification():
    [amina] = UserFactory.create_batch(1)
    assert announce([amina.pk]) == 1
    assert announce([amina.pk], source_key="event:2:announce") == 1
    assert announce([amina.pk], kind=Kind.EVENT_REMINDER) == 1


def test_recipients_may_be_a_queryset_of_user_ids():
    french, english = UserFactory.create(language="fr"), UserFactory.create(language="en")
    UserFactory.create(language="fr")
    UserFactory.create(language="ru")
    chosen = User.objects.filter(pk__in=[french.pk, english.pk])
    assert announce(chosen.values("pk")) == 2
    assert announce(User.objects.filter(language="ru").values_list("pk", flat=True), source_key="k2") == 1
    assert set(Notification.objects.filter(source_key="event:1:announce").values_list("recipient_id", flat=True)) == {
        french.pk,
        english.pk,
    }


def test_ids_of_users_that_do_not_exist_are_left_out():
    [amina] = UserFactory.create_batch(1)
    assert announce([amina.pk, amina.pk + 1000, amina.pk]) == 1


def test_emails_go_to_immediate_recipients_with_an_address_only():
    default = UserFactory.create()  # no preference row: immediate
    immediate, digest, off = UserFactory.create_batch(3)
    NotificationPreference.objects.create(user=immediate, email=Email.IMMEDIATE)
    NotificationPreference.objects.create(user=digest, email=Email.DAILY_DIGEST)
    NotificationPreference.objects.create(user=off, email=Email.OFF)
    no_address = UserFactory.create(email="")
    announce([default.pk, immediate.pk, digest.pk, off.pk, no_address.pk])
    assert Notification.objects.count() == 5
    emailed = set(EmailDelivery.objects.values_list("notification__recipient_id", flat=True))
    assert emailed == {default.pk, immediate.pk}
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {"pending"}


def test_email_false_creates_no_deliveries_and_keeps_them_out_of_digests():
    users = UserFactory.create_batch(2)
    assert announce([user.pk for user in users], email=False) == 2
    assert not EmailDelivery.objects.exists()
    assert set(Notification.objects.values_list("by_email", flat=True)) == {False}
    assert announce([user.pk for user in users], source_key="k2") == 2
    assert set(Notification.objects.filter(source_key="k2").values_list("by_email", flat=True)) == {True}


def test_url_must_be_a_path_on_the_hub():
    [amina] = UserFactory.create_batch(1)
    with pytest.raises(ValueError, match="path"):
        announce([amina.pk], url="https://elsewhere.example/")
    assert not Notification.objects.exists()


def test_a_rolled_back_transaction_leaves_no_row_and_queues_nothing(django_capture_on_commit_callbacks):
    users = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        announce([user.pk for user in users])
        transaction.set_rollback(True)
    assert not callbacks
    assert not Notification.objects.exists()
    assert not EmailDelivery.objects.exists()


def test_emails_are_sent_after_commit_in_chunks_over_one_connection_each(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_CHUNK = 2
    users = UserFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        announce([user.pk for user in users], title="Objective 9 training", url="/events/7/")
    assert not smtp_server.messages  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(rcpt for mail in smtp_server.messages for rcpt in mail.rcpt_tos) == sorted(u.email for u in users)
    assert smtp_server.sessions == 3  # 2 + 2 + 1
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert {mail.message["Subject"] for mail in smtp_server.messages} == {"Objective 9 training"}
    # A second run: nothing new, no second email.
    with django_capture_on_commit_callbacks(execute=True):
        assert announce([user.pk for user in users], title="Objective 9 training", url="/events/7/") == 0
    assert len(smtp_server.messages) == 5


def test_the_live_push_gets_the_new_notification_ids(monkeypatch, django_capture_on_commit_callbacks):
    pushed: list[list[int]] = []
    monkeypatch.setattr(live, "push_notifications_on_commit", lambda ids: pushed.append(list(ids)))
    users = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        announce([user.pk for user in users])
        announce([user.pk for user in users])
    assert pushed == [sorted(Notification.objects.values_list("pk", flat=True))]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="one statement on PostgreSQL; batches elsewhere")
def test_on_postgresql_the_number_of_queries_does_not_grow_with_the_recipients():
    few, many = UserFactory.create_batch(2), UserFactory.create_batch(60)
    with CaptureQueriesContext(connection) as small:
        announce([user.pk for user in few])
    with CaptureQueriesContext(connection) as large:
        announce([user.pk for user in many])
    assert len(small) == len(large) <= 3  # savepoint, the statement, release


def test_on_the_batched_path_queries_grow_with_batches_not_recipients(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 10)
    users = UserFactory.create_batch(25)
    with CaptureQueriesContext(connection) as queries:
        created = bulk._insert_in_batches(
            [user.pk for user in users],
            texts=rendered_texts(title="t", body="", params=None),
            kind=Kind.EVENT_ANNOUNCEMENT,
            url="",
            source_key="k",
            email=True,
            now=timezone.now(),
        )
    assert len(created.notification_ids) == len(created.delivery_ids) == 25
    assert len(queries) <= 3 * 7  # 3 batches of at most 7 statements each


# --- Both ways agree (hypothesis): the one statement (PostgreSQL) and the batches (any database) ---

LANGUAGE_CODES = ("", "ar", "zh", "en", "fr", "ru", "es")
user_rows = st.lists(
    st.fixed_dictionaries(
        {
            "language": st.sampled_from(LANGUAGE_CODES),
            "preference": st.sampled_from([None, Email.IMMEDIATE, Email.DAILY_DIGEST, Email.OFF]),
            "already": st.booleans(),  # told before under the same source key
            "asked": st.booleans(),  # among the recipients of this call
        }
    ),
    max_size=12,
)
db_examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def expected_rows(users: list[tuple[User, dict[str, Any]]]) -> tuple[dict[int, str], set[int]]:
    """By brute force: the title each newly told recipient gets, and who of them gets an email."""
    texts = rendered_texts(title=REQUIRED, body="", params=None)
    new = {user.pk: texts[row["language"]].title for user, row in users if row["asked"] and not row["already"]}
    emailed = {
        user.pk
        for user, row in users
        if user.pk in new and row["has_email"] and row["preference"] in (None, Email.IMMEDIATE)
    }
    return new, emailed


def make_users(rows: list[dict[str, Any]], blank: int) -> list[tuple[User, dict[str, Any]]]:
    """Users as ``rows`` say; the one at index ``blank`` (if any) without an address (at most one
    user can have none: addresses are unique regardless of case)."""
    users = []
    for index, row in enumerate(rows):
        row["has_email"] = index != blank
        user = User.objects.create(
            username=f"p{index}", email=f"p{index}@example.org" if row["has_email"] else "", language=row["language"]
        )
        if row["preference"]:
            NotificationPreference.objects.create(user=user, email=row["preference"])
        users.append((user, row))
    return users


def run_path(path: str, users: list[tuple[User, dict[str, Any]]], source_key: str) -> bulk.Created:
    for user, row in users:
        if row["already"]:
            Notification.objects.create(recipient=user, kind=Kind.EVENT_REMINDER, source_key=source_key, title="old")
    insert = bulk._insert_by_statement if path == "statement" else bulk._insert_in_batches
    return insert(
        [user.pk for user, row in users if row["asked"]] + [10**9],
        texts=rendered_texts(title=REQUIRED, body="", params=None),
        kind=Kind.EVENT_REMINDER,
        url="/x/",
        source_key=source_key,
        email=True,
        now=timezone.now(),
    )


def outcome(created: bulk.Created, source_key: str) -> tuple[dict[int, str], set[int]]:
    told = dict(
        Notification.objects.filter(pk__in=created.notification_ids, source_key=source_key).values_list(
            "recipient_id", "title"
        )
    )
    emailed = set(
        EmailDelivery.objects.filter(pk__in=created.delivery_ids, state="pending").values_list(
            "notification__recipient_id", flat=True
        )
    )
    assert len(told) == len(created.notification_ids)
    assert len(emailed) == len(created.delivery_ids)
    return told, emailed


@db_examples
@given(rows=user_rows, blank=st.integers(-1, 4))
def test_the_batches_agree_with_brute_force(rows, blank):
    with rolled_back():
        users = make_users(rows, blank)
        assert outcome(run_path("batches", users, "s:batches"), "s:batches") == expected_rows(users)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the one statement is PostgreSQL's")
@db_examples
@given(rows=user_rows, blank=st.integers(-1, 4))
def test_the_one_statement_agrees_with_the_batches_and_brute_force(rows, blank):
    with rolled_back():
        users = make_users(rows, blank)
        by_statement = outcome(run_path("statement", users, "s:statement"), "s:statement")
        by_batches = outcome(run_path("batches", users, "s:batches"), "s:batches")
        assert by_statement == by_batches == expected_rows(users)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the one statement is PostgreSQL's")
def test_the_statement_fills_columns_it_does_not_name_with_their_defaults():
    [amina] = UserFactory.create_batch(1)
    announce([amina.pk])
    delivery = EmailDelivery.objects.get()
    assert (delivery.claim, delivery.claimed_at, delivery.sent_at, delivery.error) == (None, None, None, "")
    assert timezone.now() - delivery.created_at < timedelta(minutes=1)


def test_broker_down_at_commit_leaves_the_emails_pending_for_the_sweep(
    smtp_server, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 0
    users = UserFactory.create_batch(3)
    real_apply_async = tasks.send_notification_emails.apply_async
    monkeypatch.setattr(tasks.send_notification_emails, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert announce([user.pk for user in users]) == 3  # committed; the failed enqueue is logged
    assert not smtp_server.messages
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {"pending"}
    monkeypatch.setattr(tasks.send_notification_emails, "apply_async", real_apply_async)
    tasks.sweep_notification_emails()
    assert sorted(rcpt for mail in smtp_server.messages for rcpt in mail.rcpt_tos) == sorted(u.email for u in users)
