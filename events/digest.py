"""The digest's "Upcoming events" section: events published in the reader's period that have not
started yet, under each objective they are tagged with that the reader follows, soonest first
(``notifications.digest_sections``).

Three queries per batch of readers: the events, and what the readers already know of them (their
answers, and the announcements they read). An organizer's own events are left out too. An event
whose announcement is still unread is listed here, under its objective, and the digest does not
repeat the announcement among the notifications (``notifications.digest`` drops a notification
whose link a section lists).
"""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event, Rsvp
from events.services.announcements import announcement_source_key
from notifications.digest_sections import DigestBatch, DigestItem, SectionItems, register_digest_section
from notifications.models import Notification

EVENTS_PER_BATCH = 500


def upcoming_events_section(batch: DigestBatch) -> SectionItems:
    events = list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED,
            published_at__gt=batch.earliest,
            published_at__lte=batch.until,
            starts_at__gt=batch.until,
            objectives__overlaps=sorted(batch.objectives),
        )
        .order_by("starts_at", "pk")
        .only("pk", "title", "kind", "objectives", "starts_at", "published_at", "organizer_id", "location")[
            :EVENTS_PER_BATCH
        ]
    )
    if not events:
        return {}
    readers = batch.user_ids
    known = set(Rsvp.objects.filter(user_id__in=readers, event__in=events).values_list("user_id", "event_id"))
    by_key = {announcement_source_key(event.pk): event.pk for event in events}
    known |= {
        (user_id, by_key[source_key])
        for user_id, source_key in Notification.objects.filter(
            recipient_id__in=readers,
            kind=Notification.Kind.EVENT_ANNOUNCEMENT,
            source_key__in=list(by_key),
            read_at__isnull=False,
        ).values_list("recipient_id", "source_key")
    }
    kinds = dict(Event.Kind.choices)
    found: defaultdict[tuple[int, str], list[DigestItem]] = defaultdict(list)
    for event in events:
        item = DigestItem(
            title=event.title,
            url=reverse("events:event", args=[event.pk]),
            detail=kinds.get(event.kind, ""),
            when=event.starts_at,
        )
        published_at = event.published_at or batch.until  # set when published
        for reader in batch.followers(event.objectives):
            if (
                published_at > reader.since
                and reader.user_id != event.organizer_id
                and (reader.user_id, event.pk) not in known
            ):
                for key in reader.objectives.intersection(event.objectives):
                    found[reader.user_id, key].append(item)
    return found


register_digest_section("upcoming_events", title=_("Upcoming events"), provider=upcoming_events_section, order=20)
