"""Reads behind a space socket: the handshake's access check, what a (re)connecting socket catches
up on, gap fills, and the periodic re-check of who may still read."""

from dataclasses import dataclass

import orjson
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from discussions import payloads
from discussions.models import Message, Space
from discussions.selectors.spaces import messages_with_authors, newest_messages
from discussions.services import hot_statements
from discussions.services.access import SpaceAccess, access_from_facts, not_found
from hub.errors import HubError
from realtime.codes import CloseCode
from realtime.streams import ReaderCheck


@dataclass(frozen=True)
class SocketStart:
    last_seq: int
    replay: list[tuple[int, str]]  # (seq, encoded message.new frame), ascending
    truncated_from: int | None  # set when more were missing than the replay limit


def encoded_message_new(message: Message, space_slug: str) -> str:
    return orjson.dumps(payloads.message_new_frame(message, space_slug=space_slug)).decode()


def socket_access(*, slug: str, user: User) -> SpaceAccess:
    """The handshake's access check: ``access.space_access_by_slug`` in one prepared statement,
    since a crowd connecting at once passes through it one socket after another."""
    found = hot_statements.space_with_caller(slug=slug, user_id=user.pk, now=timezone.now())
    if found is None:
        raise not_found()
    space, caller = found
    return access_from_facts(space, user, caller)


def socket_start(*, space: Space, after: int | None) -> SocketStart:
    """Catch-up for a socket whose access was checked. Call *after* the socket is in its space's feed.

    With ``after``, every message with seq > after, oldest first; when more than the replay limit
    are missing, only the newest ``limit`` of them, and ``truncated_from`` says where they begin.
    """
    last_seq = space_last_seq(space.pk)
    if after is None or after >= last_seq:
        return SocketStart(last_seq, [], None)
    limit = settings.DISCUSSION_REPLAY_LIMIT
    messages = newest_messages(space, limit, after=after)
    replay = [(message.seq, encoded_message_new(message, space.slug)) for message in messages]
    truncated_from = replay[0][0] if last_seq - after > limit and replay else None
    return SocketStart(last_seq, replay, truncated_from)


def missing_messages(space_id: int, from_seq: int, to_seq: int) -> list[tuple[int, str]]:
    slug = Space.objects.filter(pk=space_id).values_list("slug", flat=True).first()
    if slug is None:
        return []
    messages = messages_with_authors().filter(space_id=space_id, seq__gte=from_seq, seq__lte=to_seq)
    return [(message.seq, encoded_message_new(message, slug)) for message in messages.order_by("seq")]


def check_readers(space_id: int, user_ids: list[int]) -> ReaderCheck:
    """Of these users with sockets open on the space, those who may no longer read it, with the
    close code each gets (4403 if banned, 4404 if the space is gone or is private and they have
    left it), and the current role of the others. A ban, departure or demotion reaches sockets
    through an envelope, and envelopes are at-most-once: this is the check that does not depend
    on one arriving. The rules are ``access``'s own."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        return ReaderCheck(closed=dict.fromkeys(user_ids, CloseCode.NOT_FOUND))
    users = User.objects.in_bulk(user_ids)
    now = timezone.now()
    facts = hot_statements.posting_facts(
        space_id=space_id, posts=[(user_id, None) for user_id in user_ids], now=now, window_start=now
    )
    closed: dict[int, int] = {}
    roles: dict[int, str] = {}
    for user_id, fact in zip(user_ids, facts, strict=True):
        if user_id not in users:
            closed[user_id] = CloseCode.NOT_FOUND
            continue
        try:
            roles[user_id] = access_from_facts(space, users[user_id], fact.caller).role
        except HubError as error:
            closed[user_id] = CloseCode.NOT_FOUND if error.status == 404 else CloseCode.FORBIDDEN
    return ReaderCheck(closed=closed, roles=roles)


def space_last_seq(space_id: int) -> int:
    return Space.objects.filter(pk=space_id).values_list("last_seq", flat=True).first() or 0
