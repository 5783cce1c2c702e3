"""Disk and memory bounds (issue 14.5): floods and big files are handled in bounded memory.

Each case runs the same work at two sizes, ten times apart, and measures the peak of Python's
allocations (``tracemalloc``) while it runs: memory that does not depend on the size stays the
same; memory that grows with it would be ten times larger. Measured: a flood of notifications to
one person (the inbox, the unread counts, read-all, their digest and their data export), and CSV
imports of experts (whose one part that grows, the addresses seen, is bounded per row). The
5,000-message export is ``tests/accounts/test_data_rights_export.py``.
"""

import io
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.export import export_chunks, export_head
from accounts.models import User
from accounts.services import token_for
from experts.imports import import_experts
from experts.models import Expert
from notifications.digest import digests_send
from notifications.models import Notification, NotificationPreference
from notifications.selectors import unread_counts
from notifications.services import notification_mark_all_read
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def flooded(count: int) -> User:
    user = UserFactory.create()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Notification.Kind.MENTION,
            title=f"Mention {n} " + "x" * 120,
            body="y" * 400,
            url=f"/spaces/general/#{n}",
            source_key=f"flood:{n}",
            created_at=now - timedelta(seconds=n),
        )
        for n in range(count)
    )
    return user


def flood_peaks(count: int) -> dict[str, int]:
    user = flooded(count)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    peaks = {
        "inbox": peak_bytes(lambda: client.get("/api/v1/notifications/?unread=true")),
        "unread counts": peak_bytes(lambda: unread_counts(user.pk)),
        "export": peak_bytes(lambda: sum(len(chunk) for chunk in export_chunks(user, export_head()))),
    }
    NotificationPreference.objects.create(user=user, email=NotificationPreference.Email.DAILY_DIGEST,
                                          timezone="UTC", digest_hour=0)  # fmt: skip
    peaks["digest"] = peak_bytes(lambda: digests_send(user_ids=[user.pk]))
    peaks["read all"] = peak_bytes(lambda: notification_mark_all_read(user=user))
    return peaks


def test_a_flood_of_notifications_to_one_person_is_handled_in_bounded_memory(mailoutbox):
    flood_peaks(10)  # the first call of each imports and caches what every later one reuses
    small, large = flood_peaks(1_000), flood_peaks(10_000)
    grown = {name: round(large[name] / small[name], 2) for name in small}
    print("peak bytes at 1,000 and 10,000 notifications:", small, large, "ratio:", grown)
    # The export writes every notification, so it reads them all, a chunk at a time.
    assert all(ratio < 2 for ratio in grown.values()), grown


def experts_csv(rows: int) -> io.StringIO:
    lines = ["name,email,title,organization,bio,objectives,regions,languages,keywords"]
    lines += [
        f"Expert {n},expert{n}@example.org,Adviser,Organization {n % 97},"
        f'"Works on labour migration, remittances and return, case {n}.",9;6,africa,en;fr,recruitment'
        for n in range(rows)
    ]
    return io.StringIO("\n".join(lines) + "\n")


@pytest.mark.timeout(1800)
def test_a_100000_row_expert_import_runs_in_bounded_memory():
    peaks = {}
    for rows in (10_000, 100_000):
        Expert.objects.all().delete()
        csv_file = experts_csv(rows)
        text_size = len(csv_file.getvalue())
        peaks[rows] = peak_bytes(partial(import_experts, csv_file, update=False, dry_run=False, on_rejected=print))
        assert Expert.objects.count() == rows
        print(f"{rows:,} rows ({text_size:,} bytes of CSV): peak {peaks[rows]:,} bytes")
    # What grows with the file is the index of the addresses seen (a duplicate in one file is refused
    # naming the line of the first): measured about 145 bytes a row. The rows themselves are not
    # kept: they are read, stored and dropped a batch at a time (the 100,000-row file is 15 MB).
    per_row = (peaks[100_000] - peaks[10_000]) / 90_000
    assert per_row < 200, (per_row, peaks)
