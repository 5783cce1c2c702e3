"""Posting messages: one, or a batch in one transaction (the space socket's path).

Every message is committed before anything is published (``publish_on_commit``), so nothing
reaches a socket that is not in the database.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import usernames_existing
from discussions import payloads
from discussions.models import Message, Space, Topic
from discussions.rendering import (
    expert_group_name,
    expert_group_objective,
    mentioned_expert_groups,
    mentioned_usernames,
    render_markdown,
)
from discussions.selectors import messages_with_authors
from discussions.services import hot_statements
from discussions.services.access import SpaceAccess, access_from_facts, not_found, require_member
from discussions.services.message_notifications import message_notifications_create
from discussions.streams import space_envelope
from experts.questions.limits import ask_refusal, ask_windows_locked
from experts.questions.services import expert_answers_record, expert_questions_record
from hub.errors import ErrorCode, HubError
from realtime.publish import publish_on_commit
from webhooks.outbox import webhooks_message_new

MAX_TOPIC_CHARS = 200
MAX_MENTIONS = 50


@dataclass(frozen=True)
class PostResult:
    message: Message
    created: bool  # False: the client_id was seen before and this is the original message


def message_mentions(body: str) -> list[str]:
    """What a message's ``mentions`` lists: the users it names (spelled as they spell themselves)
    and the expert groups it names (``objective-9-experts``, ``general-experts``), in the order the
    body first names them, at most ``MAX_MENTIONS`` candidates read."""
    candidates = mentioned_usernames(body)[:MAX_MENTIONS]
    groups = {
        candidate: expert_group_name(key) for candidate in candidates if (key := expert_group_objective(candidate))
    }
    users = {name.casefold(): name for name in usernames_existing([c for c in candidates if c not in groups])}
    mentions: dict[str, None] = {}
    for candidate in candidates:
        name = groups.get(candidate) or users.get(candidate.casefold())
        if name is not None:
            mentions.setdefault(name, None)
    return list(mentions)


def validate_body(body: str) -> str:
    if not body.strip():
        raise HubError(ErrorCode.INVALID_FRAME, _("A message needs a non-empty body."))
    if "\x00" in body:  # PostgreSQL text cannot hold NUL (found by the property test)
        raise HubError(ErrorCode.INVALID_FRAME, _("A message cannot contain NUL characters."))
    if len(body) > settings.DISCUSSION_MAX_BODY_CHARS:
        raise HubError(
            ErrorCode.TOO_LARGE,
            _("A message may be at most %(limit)d characters.") % {"limit": settings.DISCUSSION_MAX_BODY_CHARS},
        )
    return body


@dataclass(frozen=True)
class PostRequest:
    """One message to post, as a client sent it (validated by ``message_post_many``)."""

    author: User
    body: str
    client_id: str | None = None
    topic: str | None = None
    reply_to: int | None = None


def message_post(
    *,
    slug: str,
    author: User,
    body: str,
    client_id: str | None = None,
    topic: str | None = None,
    reply_to: int | None = None,
) -> PostResult:
    """Store one message; see ``message_post_many``. Raises its ``HubError``."""
    request = PostRequest(author=author, body=body, client_id=client_id, topic=topic, reply_to=reply_to)
    (outcome,) = message_post_many(slug=slug, requests=[request])
    if isinstance(outcome, HubError):
        raise outcome
    return outcome


def message_post_many(*, slug: str, requests: list[PostRequest]) -> list[PostResult | HubError]:
    """Store messages with the space's next seqs, then (after commit) broadcast ``message.new``.

    One outcome per request, in order: its stored message, or the error that refused it alone.
    The space row lock serializes writers per space: seq grows by exactly one in commit order,
    and the rate limit and slow mode counted under it are exact (counting the batch's own earlier
    messages). A resent ``client_id`` gets the stored message; the unique constraint on
    (space, author, client_id) guarantees there is only one. Posting several messages in one
    transaction is what lets a busy space take many posts per second: the lock, the checks and
    the commit are paid once per batch.
    """
    outcomes: list[PostResult | HubError | None] = [None] * len(requests)
    valid: list[tuple[int, PostRequest]] = []
    for index, request in enumerate(requests):
        try:
            valid.append((index, _validated(request)))
        except HubError as error:
            outcomes[index] = error
    if not valid:
        return _complete(outcomes)
    # Messages that ask an expert group (a question to experts): their authors' daily limit is
    # checked under the lock below. Parsing costs no query; a batch that asks nothing, none.
    asking = {index for index, request in valid if mentioned_expert_groups(request.body)}
    now = timezone.now()
    window = timedelta(seconds=settings.DISCUSSION_RATE_LIMIT_SECONDS)
    originals: dict[int, int] = {}  # request index -> the id of the message it repeats
    with transaction.atomic():
        space = hot_statements.lock_space(slug)
        if space is None:
            return [outcome or not_found() for outcome in outcomes]
        facts = hot_statements.posting_facts(
            space_id=space.pk,
            posts=[(request.author.pk, request.client_id) for _index, request in valid],
            now=now,
            window_start=now - window,
        )
        ask_windows = ask_windows_locked(asker_ids={requests[index].author.pk for index in asking}, now=now)
        asked_now: dict[int, int] = {}  # author -> questions accepted in this batch
        accepted: list[tuple[int, Message]] = []
        in_batch: dict[tuple[int, str | None], int] = {}  # (author, client_id) -> the request that has it
        repeats: dict[int, int] = {}  # request index -> the earlier request in the batch it repeats
        posted_now: dict[int, int] = {}  # author -> messages accepted in this batch
        for (index, request), fact in zip(valid, facts, strict=True):
            author = request.author
            try:
                access = access_from_facts(space, author, fact.caller)
                key = (author.pk, request.client_id)
                if fact.original_id is not None:
                    originals[index] = fact.original_id
                    continue
                if request.client_id is not None and key in in_batch:
                    repeats[index] = in_batch[key]
                    continue
                _check_may_post(access, fact, posted_now.get(author.pk, 0), now)
                _check_reply_to(request.reply_to, last_seq=space.last_seq + len(accepted))
                if index in asking:
                    refusal = ask_refusal(ask_windows[author.pk], asked_now=asked_now.get(author.pk, 0), now=now)
                    if refusal is not None:
                        raise refusal
            except HubError as error:
                outcomes[index] = error
                continue
            topic = _topic_named(space, request.topic.strip(), author) if request.topic is not None else None
            message = Message(
                space=space,
                seq=space.last_seq + len(accepted) + 1,
                topic=topic,
                author=author,
                body=request.body,
                html=render_markdown(request.body),
                reply_to_seq=request.reply_to,
                client_id=request.client_id,
                mentions=message_mentions(request.body),
                created_at=now,
            )
            accepted.append((index, message))
            posted_now[author.pk] = posted_now.get(author.pk, 0) + 1
            if index in asking:
                asked_now[author.pk] = asked_now.get(author.pk, 0) + 1
            if request.client_id is not None:
                in_batch[key] = index
        if accepted:
            hot_statements.advance_seq(space, space.last_seq + len(accepted))
            try:
                hot_statements.insert_messages([message for _index, message in accepted])
            except IntegrityError as error:
                # Only reachable if a writer bypassed the space lock; the constraint still holds.
                raise HubError(ErrorCode.CONFLICT, _("This message was already sent.")) from error
            for index, message in accepted:
                outcomes[index] = PostResult(message, created=True)
                publish_on_commit(
                    space_envelope(
                        space.pk, payloads.message_new_frame(message, space_slug=space.slug), seq=message.seq
                    )
                )
            # Mentions and replies, in this transaction (no query for messages with neither).
            message_notifications_create(space=space, messages=[message for _index, message in accepted])
            webhooks_message_new(space=space, messages=[message for _index, message in accepted])
            # Questions to experts (told by a task after commit) and experts' answers (replies to them).
            expert_questions_record(messages=[message for index, message in accepted if index in asking])
            expert_answers_record(space=space, messages=[message for _index, message in accepted])
    if originals:
        stored = messages_with_authors().in_bulk(set(originals.values()))
        for index, message_id in originals.items():
            outcomes[index] = PostResult(stored[message_id], created=False)
    for index, earlier in repeats.items():
        original = outcomes[earlier]  # accepted, so stored with this transaction
        outcomes[index] = PostResult(original.message, created=False) if isinstance(original, PostResult) else original
    return _complete(outcomes)


def _complete(outcomes: list[PostResult | HubError | None]) -> list[PostResult | HubError]:
    complete = [outcome for outcome in outcomes if outcome is not None]
    if len(complete) != len(outcomes):
        raise RuntimeError("a post request was left without an outcome")
    return complete


def _check_reply_to(reply_to: int | None, *, last_seq: int) -> None:
    if reply_to is not None and reply_to > last_seq:
        raise HubError(ErrorCode.NOT_FOUND, _("There is no message %(seq)d to reply to.") % {"seq": reply_to})


def _validated(request: PostRequest) -> PostRequest:
    validate_body(request.body)
    client_id, topic, reply_to = request.client_id, request.topic, request.reply_to
    if client_id is not None and not 1 <= len(client_id) <= 64:
        raise HubError(ErrorCode.INVALID_FRAME, _("client_id must be 1 to 64 characters."))
    if topic is not None and (not topic.strip() or len(topic) > MAX_TOPIC_CHARS or "\x00" in topic):
        raise HubError(ErrorCode.INVALID_FRAME, _("A topic is 1 to %(n)d characters.") % {"n": MAX_TOPIC_CHARS})
    if reply_to is not None and reply_to < 1:
        raise HubError(ErrorCode.INVALID_FRAME, _("reply_to must be the seq of a message."))
    return request


def _check_may_post(access: SpaceAccess, fact: hot_statements.PostingFacts, posted_now: int, now: datetime) -> None:
    """Membership, lock, opening hours, mute, slow mode and rate limit; moderators skip the middle four.

    ``posted_now``: the author's messages accepted earlier in the same batch (all at ``now``).
    """
    require_member(access)
    space = access.space
    if not access.is_moderator:
        if space.locked:
            raise HubError(ErrorCode.LOCKED, _("This space is locked."))
        if not space.is_open_at(now):
            raise HubError(ErrorCode.CLOSED, _("This space is not open for posting now."))
        if access.muted:
            raise HubError(
                ErrorCode.MUTED,
                _("You are muted in this space."),
                retry_after=seconds_until(access.muted_until, now),
            )
        if space.slow_mode_seconds:
            slow_mode = timedelta(seconds=space.slow_mode_seconds)
            latest = now if posted_now else fact.latest_at
            if latest is not None and now - latest < slow_mode:
                wait = seconds_until(latest + slow_mode, now)
                raise HubError(ErrorCode.SLOW_MODE, _("Slow mode: wait %(s)d seconds.") % {"s": wait},
                               retry_after=wait)  # fmt: skip
    # At most N messages per author per space in any window of S seconds; a slot frees when the
    # oldest of them leaves the window.
    if fact.recent_count + posted_now >= settings.DISCUSSION_RATE_LIMIT_COUNT:
        oldest = fact.oldest_recent_at or now
        wait = seconds_until(oldest + timedelta(seconds=settings.DISCUSSION_RATE_LIMIT_SECONDS), now)
        raise HubError(
            ErrorCode.RATE_LIMITED, _("Too many messages; wait %(s)d seconds.") % {"s": wait}, retry_after=wait
        )


def seconds_until(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return max(1, int((moment - now).total_seconds() + 0.999))


def _topic_named(space: Space, name: str, author: User) -> Topic:
    topic, _created = Topic.objects.get_or_create(space=space, name=name, defaults={"created_by": author})
    return topic
