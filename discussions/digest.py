"""The digest's "Busiest discussions" section: the threads of the objective's spaces with the most
messages in the reader's period, busiest first (``notifications.digest_sections``).

Only spaces the reader can see: public ones and the private ones they are a member of, never one
they are banned from (as ``spaces_visible_to``). A member who has read a thread's newest message
of the period (their read marker is past it) does not get it again.

Three queries per batch of readers. Messages are counted per (space, topic, hour) once for the
whole batch, from the earliest reader's period; each reader adds the hours that overlap their own
period, so a count may include the messages of the hour their previous digest was sent in.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from discussions.models import Ban, Membership, Message, Space, in_force
from notifications.digest_sections import DigestBatch, DigestItem, SectionItems, register_digest_section

THREAD_COLUMNS = (
    "space_id", "space__slug", "space__name", "space__visibility", "space__objective__key", "topic_id", "topic__name",
    "hour",
)  # fmt: skip
ONE_HOUR = timedelta(hours=1)
NEW_MESSAGES = ngettext_lazy("%(count)d new message", "%(count)d new messages", "count")


@dataclass
class Thread:
    """A space's topic (or its messages outside any topic) and its messages per hour of the batch."""

    space_id: int
    slug: str
    name: str
    private: bool
    objective_key: str
    topic_name: str
    hours: list[tuple[datetime, int, int]]  # (hour, messages, the newest seq in that hour)


def _threads(batch: DigestBatch) -> list[Thread]:
    rows = (
        Message.objects.filter(
            created_at__gt=batch.earliest,
            created_at__lte=batch.until,
            deleted=False,
            space__objective__key__in=sorted(batch.objectives),
        )
        .annotate(hour=TruncHour("created_at"))
        .values(*THREAD_COLUMNS)
        .annotate(count=Count("pk"), newest=Max("seq"))
        .order_by()
    )
    threads: dict[tuple[int, int | None], Thread] = {}
    for row in rows:
        thread = threads.get((row["space_id"], row["topic_id"]))
        if thread is None:
            thread = threads[row["space_id"], row["topic_id"]] = Thread(
                space_id=row["space_id"],
                slug=row["space__slug"],
                name=row["space__name"],
                private=row["space__visibility"] != Space.Visibility.PUBLIC,
                objective_key=row["space__objective__key"],
                topic_name=row["topic__name"] or "",
                hours=[],
            )
        thread.hours.append((row["hour"], row["count"], row["newest"]))
    return list(threads.values())


def busiest_discussions_section(batch: DigestBatch) -> SectionItems:
    threads = _threads(batch)
    if not threads:
        return {}
    readers = batch.user_ids
    spaces = sorted({thread.space_id for thread in threads})
    read_up_to = {
        (user_id, space_id): last_read_seq
        for user_id, space_id, last_read_seq in Membership.objects.filter(
            user_id__in=readers, space_id__in=spaces
        ).values_list("user_id", "space_id", "last_read_seq")
    }
    banned = set(
        Ban.objects.filter(in_force(batch.until), user_id__in=readers, space_id__in=spaces).values_list(
            "user_id", "space_id"
        )
    )
    ranked: defaultdict[tuple[int, str], list[tuple[int, str, DigestItem]]] = defaultdict(list)
    for thread in threads:
        for reader in batch.followers([thread.objective_key]):
            seat = (reader.user_id, thread.space_id)
            if seat in banned or (thread.private and seat not in read_up_to):
                continue
            # The hours that overlap the reader's period (since, until].
            hours = [
                (count, newest) for hour, count, newest in thread.hours if hour + timedelta(hours=1) > reader.since
            ]
            if not hours:
                continue
            if max(newest for _count, newest in hours) <= read_up_to.get(seat, 0):
                continue  # read already
            count = sum(count for count, _newest in hours)
            title = f"{thread.name} · {thread.topic_name}" if thread.topic_name else thread.name
            item = DigestItem(
                title=title,
                url=reverse("discussions:space", args=[thread.slug]),
                detail=NEW_MESSAGES,
                params={"count": count},
            )
            ranked[reader.user_id, thread.objective_key].append((-count, title, item))
    return {key: [item for _count, _title, item in sorted(entries)] for key, entries in ranked.items()}


register_digest_section(
    "busiest_discussions", title=_("Busiest discussions"), provider=busiest_discussions_section, order=30
)
