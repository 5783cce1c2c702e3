"""Two transactions creating the same notification at once: one row, one email (PostgreSQL's row locks)."""

import threading

import pytest
from django.db import connection, connections, transaction

from notifications.models import EmailDelivery, Notification
from notifications.services import notification_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def test_the_second_of_two_racing_transactions_creates_nothing():
    amina = UserFactory.create()
    first_inserted, let_first_commit = threading.Event(), threading.Event()
    results: dict[str, Notification | None] = {}
    errors: list[BaseException] = []

    def create(name: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[name] = notification_create(
                    recipient=amina, kind=Notification.Kind.MENTION, title=name, source_key="message:1"
                )
                if hold:
                    first_inserted.set()
                    assert let_first_commit.wait(30)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=create, args=("first",), kwargs={"hold": True})
    first.start()
    assert first_inserted.wait(30)
    second = threading.Thread(target=create, args=("second",), kwargs={"hold": False})
    second.start()
    # The second insert waits on the first's uncommitted row in the unique index; then let the first commit.
    for _ in range(2000):
        if waiting_on_a_lock():
            break
        threading.Event().wait(0.01)
    else:
        pytest.fail("the second transaction never waited on the first")
    let_first_commit.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert results["first"] is not None
    assert results["second"] is None
    assert list(Notification.objects.values_list("title", flat=True)) == ["first"]
    assert EmailDelivery.objects.count() == 1
