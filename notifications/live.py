"""Pushing notifications and unread counts to the recipients' ``/ws/notifications/`` sockets.

Everything here runs after the transaction that made the change commits (``*_on_commit``), and
only through the realtime package (``realtime.publish``): one stream per user
(``notifications.streams``), one ``notification.new`` frame per new notification, then one
``unread`` frame per recipient with their counts as they are now.

Cost on the publishing side does not grow with the number of recipients without sockets: ids are
taken in chunks, and per chunk one query reads the recipients, one Redis round trip
(``streams_online``) keeps those with a socket open anywhere, and only for them two queries read
the notifications and their unread counts (``selectors.unread_counts_of``). An announcement to
10,000 subscribers of whom 30 are online costs 10,000 / ``PUSH_CHUNK`` small reads and 60
envelopes, not 10,000 reads and 20,000 envelopes.

A socket that connects while a push is under way misses nothing that matters: it joins its stream
(and presence) before reading its counts, and a push reads presence after its commit, so either
the push sees the socket or the socket's first ``unread`` already counts the notification.
"""

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import partial

from django.db import transaction

from notifications.models import Notification
from notifications.payloads import notification_new_frame, unread_frame
from notifications.selectors import unread_counts_of
from notifications.streams import user_envelope, user_group
from realtime.presence import streams_online
from realtime.publish import publish_on_commit

logger = logging.getLogger(__name__)

PUSH_CHUNK = 1000


def push_notifications_on_commit(ids: Iterable[int]) -> None:
    """After the current transaction commits (at once outside one): ``notification.new`` for each
    of these notifications to its recipient's sockets, then ``unread`` to each recipient."""
    transaction.on_commit(partial(push_notifications, list(ids)))


def push_unread_on_commit(user_ids: Iterable[int]) -> None:
    """After commit: ``unread`` to each of these users' sockets (something was read)."""
    transaction.on_commit(partial(push_unread, list(user_ids)))


def push_notifications(ids: Sequence[int]) -> int:
    """Publish the frames for these committed notifications; returns how many envelopes went out."""
    published = 0
    for chunk in _chunks(sorted(set(ids)), PUSH_CHUNK):
        recipients = dict(Notification.objects.filter(pk__in=chunk).values_list("pk", "recipient_id"))
        online = _online(set(recipients.values()))
        if not online:
            continue
        notifications = Notification.objects.filter(
            pk__in=[pk for pk, recipient_id in recipients.items() if recipient_id in online]
        ).order_by("created_at", "pk")
        for notification in notifications:
            publish_on_commit(user_envelope(notification.recipient_id, notification_new_frame(notification)))
            published += 1
        published += _publish_unread(online)
    return published


def push_unread(user_ids: Collection[int]) -> int:
    """Publish each of these users' ``unread`` counts to their sockets, if they have any open."""
    published = 0
    for chunk in _chunks(sorted(set(user_ids)), PUSH_CHUNK):
        published += _publish_unread(_online(set(chunk)))
    return published


def _publish_unread(user_ids: set[int]) -> int:
    for user_id, counts in sorted(unread_counts_of(user_ids).items()):
        publish_on_commit(user_envelope(user_id, unread_frame(counts)))
    return len(user_ids)


def _online(user_ids: set[int]) -> set[int]:
    """Those of ``user_ids`` with a notification socket open in some server process."""
    by_stream = {user_group(user_id): user_id for user_id in user_ids}
    try:
        return {by_stream[stream] for stream in streams_online(by_stream)}
    except Exception:
        # Redis is away: so is the channel layer, and no frame could be delivered. Sockets get
        # their counts again when they reconnect.
        logger.warning("presence unavailable: notifications not pushed", exc_info=True)
        return set()


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
