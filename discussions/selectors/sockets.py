"""Reads behind a space socket: the handshake's access checks, the messages a feed or a resuming
socket lacks (gap fills, replay cache fills), and the periodic re-check of who may still read."""

import orjson
from django.utils import timezone

from accounts.models import User
from discussions import payloads
from discussions.models import Message, Space
from discussions.selectors.spaces import messages_with_authors
from discussions.services import hot_statements
from discussions.services.access import SpaceAccess, access_from_facts, not_found
from hub.errors import HubError
from realtime.codes import CloseCode
from realtime.streams import ReaderCheck


def encoded_message_new(message: Message, space_slug: str) -> str:
    return orjson.dumps(payloads.message_new_frame(message, space_slug=space_slug)).decode()


def socket_access_many(requests: list[tuple[str, User]]) -> list[SpaceAccess | HubError]:
    """The handshake's access check of every socket in a batch (``(slug, user)`` each), one
    statement per space (``hot_statements.space_with_callers``): a crowd connecting at once
    shares it. Each outcome is the socket's access, or the ``HubError`` that refuses it alone
    (404 for a space that does not exist or that it may not know of, 403 if banned)."""
    now = timezone.now()
    by_slug: dict[str, list[int]] = {}
    for index, (slug, _user) in enumerate(requests):
        by_slug.setdefault(slug, []).append(index)
    outcomes: list[SpaceAccess | HubError] = [not_found()] * len(requests)
    for slug, indexes in by_slug.items():
        user_ids = list(dict.fromkeys(requests[index][1].pk for index in indexes))
        found = hot_statements.space_with_callers(slug=slug, user_ids=user_ids, now=now)
        if found is None:
            continue
        space, callers = found
        for index in indexes:
            user = requests[index][1]
            try:
                outcomes[index] = access_from_facts(space, user, callers[user.pk])
            except HubError as error:
                outcomes[index] = error
    return outcomes


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
