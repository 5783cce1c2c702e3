"""Writing messages: post, edit, delete, pin, react, mark read, report.

Every change is committed before anything is published (``publish_on_commit``), so nothing
reaches a socket that is not in the database.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from discussions import payloads
from discussions.models import Membership, Message, MessageRevision, ModerationAction, Reaction, Report, Space, Topic
from discussions.realtime.publish import publish_on_commit, space_event
from discussions.rendering import mentioned_usernames, render_markdown
from discussions.selectors import messages_with_authors
from discussions.services import hot_statements
from discussions.services.access import (
    SpaceAccess,
    access_from_facts,
    not_found,
    require_member,
    require_moderator,
    space_access,
    space_access_by_slug,
)
from hub.errors import HubError

MAX_TOPIC_CHARS = 200
MAX_EMOJI_CHARS = 32
MAX_MENTIONS = 50


@dataclass(frozen=True)
class PostResult:
    message: Message
    created: bool  # False: the client_id was seen before and this is the original message


def validate_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise HubError("invalid_frame", _("A message needs a non-empty body."))
    if "\x00" in body:  # PostgreSQL text cannot hold NUL (found by the property test)
        raise HubError("invalid_frame", _("A message cannot contain NUL characters."))
    if len(body) > settings.DISCUSSION_MAX_BODY_CHARS:
        raise HubError(
            "too_large",
            _("A message may be at most %(limit)d characters.") % {"limit": settings.DISCUSSION_MAX_BODY_CHARS},
            status=413,
        )
    return body


@dataclass(frozen=True)
class PostRequest:
    """One message to post, as a client sent it (validated by ``message_post_many``)."""

    author: User
    body: object
    client_id: str | None = None
    topic: str | None = None
    reply_to: int | None = None


def message_post(
    *,
    slug: str,
    author: User,
    body: object,
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
        return outcomes
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
        accepted: list[tuple[int, Message]] = []
        in_batch: dict[tuple[int, str], int] = {}  # (author, client_id) -> the request that has it
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
                mentions=_existing_usernames(mentioned_usernames(request.body)),
                created_at=now,
            )
            accepted.append((index, message))
            posted_now[author.pk] = posted_now.get(author.pk, 0) + 1
            if request.client_id is not None:
                in_batch[key] = index
        if accepted:
            hot_statements.advance_seq(space, space.last_seq + len(accepted))
            try:
                hot_statements.insert_messages([message for _index, message in accepted])
            except IntegrityError as error:
                # Only reachable if a writer bypassed the space lock; the constraint still holds.
                raise HubError("conflict", _("This message was already sent."), status=409) from error
            for index, message in accepted:
                outcomes[index] = PostResult(message, created=True)
                publish_on_commit(
                    space_event(space.pk, payloads.message_new_frame(message, space_slug=space.slug), seq=message.seq)
                )
    if originals:
        stored = messages_with_authors().in_bulk(set(originals.values()))
        for index, message_id in originals.items():
            outcomes[index] = PostResult(stored[message_id], created=False)
    for index, earlier in repeats.items():
        outcomes[index] = PostResult(outcomes[earlier].message, created=False)
    return outcomes


def _check_reply_to(reply_to: int | None, *, last_seq: int) -> None:
    if reply_to is not None and reply_to > last_seq:
        raise HubError("not_found", _("There is no message %(seq)d to reply to.") % {"seq": reply_to}, status=404)


def _validated(request: PostRequest) -> PostRequest:
    validate_body(request.body)
    client_id, topic, reply_to = request.client_id, request.topic, request.reply_to
    if client_id is not None and (not isinstance(client_id, str) or not 1 <= len(client_id) <= 64):
        raise HubError("invalid_frame", _("client_id must be 1 to 64 characters."))
    if topic is not None and (
        not isinstance(topic, str) or not topic.strip() or len(topic) > MAX_TOPIC_CHARS or "\x00" in topic
    ):
        raise HubError("invalid_frame", _("A topic is 1 to %(n)d characters.") % {"n": MAX_TOPIC_CHARS})
    if reply_to is not None and (not isinstance(reply_to, int) or isinstance(reply_to, bool) or reply_to < 1):
        raise HubError("invalid_frame", _("reply_to must be the seq of a message."))
    return request


def _check_may_post(access: SpaceAccess, fact: hot_statements.PostingFacts, posted_now: int, now) -> None:
    """Membership, lock, opening hours, mute, slow mode and rate limit; moderators skip the middle four.

    ``posted_now``: the author's messages accepted earlier in the same batch (all at ``now``).
    """
    require_member(access)
    space = access.space
    if not access.is_moderator:
        if space.locked:
            raise HubError("locked", _("This space is locked."), status=403)
        if not space.is_open_at(now):
            raise HubError("closed", _("This space is not open for posting now."), status=403)
        if access.muted:
            raise HubError(
                "muted",
                _("You are muted in this space."),
                status=403,
                retry_after=_seconds_until(access.muted_until, now),
            )
        if space.slow_mode_seconds:
            slow_mode = timedelta(seconds=space.slow_mode_seconds)
            latest = now if posted_now else fact.latest_at
            if latest is not None and now - latest < slow_mode:
                wait = _seconds_until(latest + slow_mode, now)
                raise HubError("slow_mode", _("Slow mode: wait %(s)d seconds.") % {"s": wait}, status=429,
                               retry_after=wait)  # fmt: skip
    # At most N messages per author per space in any window of S seconds; a slot frees when the
    # oldest of them leaves the window.
    if fact.recent_count + posted_now >= settings.DISCUSSION_RATE_LIMIT_COUNT:
        oldest = fact.oldest_recent_at or now
        wait = _seconds_until(oldest + timedelta(seconds=settings.DISCUSSION_RATE_LIMIT_SECONDS), now)
        raise HubError(
            "rate_limited", _("Too many messages; wait %(s)d seconds.") % {"s": wait}, status=429, retry_after=wait
        )


def _seconds_until(moment, now) -> int | None:
    if moment is None:
        return None
    return max(1, int((moment - now).total_seconds() + 0.999))


def _topic_named(space: Space, name: str, author: User) -> Topic:
    topic, _created = Topic.objects.get_or_create(space=space, name=name, defaults={"created_by": author})
    return topic


def _existing_usernames(candidates: list[str]) -> list[str]:
    """The candidates that name users, spelled as the users spell them, in the candidates' order."""
    candidates = candidates[:MAX_MENTIONS]
    if not candidates:
        return []
    any_of = Q()
    for candidate in candidates:
        any_of |= Q(username__iexact=candidate)
    found = {name.casefold(): name for name in User.objects.filter(any_of).values_list("username", flat=True)}
    return [found[name.casefold()] for name in candidates if name.casefold() in found]


def _message_for_change(*, message_id: int, user: User, lock: bool = True) -> tuple[Message, SpaceAccess]:
    """The message (locked, unless ``lock`` is off) with the caller's access to its space."""
    queryset = messages_with_authors().select_related("space")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    message = queryset.filter(pk=message_id).first()
    if message is None:
        raise HubError("not_found", _("No such message."), status=404)
    try:
        access = space_access(space=message.space, user=user)
    except HubError as error:
        if error.status == 404:
            raise HubError("not_found", _("No such message."), status=404) from error
        raise
    return message, access


def message_by_seq_id(*, slug: str, seq: object) -> int:
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise HubError("invalid_frame", _("seq must be an integer."))
    message_id = Message.objects.filter(space__slug=slug, seq=seq).values_list("pk", flat=True).first()
    if message_id is None:
        raise HubError("not_found", _("No such message."), status=404)
    return message_id


def message_edit(*, message_id: int, user: User, body: object) -> Message:
    body = validate_body(body)
    with transaction.atomic():
        message, _access = _message_for_change(message_id=message_id, user=user)
        if message.author_id != user.pk:
            raise HubError("forbidden", _("Only the author may edit a message."), status=403)
        if message.deleted:
            raise HubError("not_found", _("This message was deleted."), status=404)
        if body != message.body:
            MessageRevision.objects.create(message=message, body=message.body, replaced_by=user)
            message.body = body
            message.html = render_markdown(body)
            message.mentions = _existing_usernames(mentioned_usernames(body))
            message.edited_at = timezone.now()
            message.save(update_fields=["body", "html", "mentions", "edited_at"])
            _publish_updated(message)
    return message


def message_delete(*, message_id: int, user: User, reason: str = "") -> Message:
    """Empties body and html but keeps the seq (a tombstone); the old body stays for moderators."""
    with transaction.atomic():
        message, access = _message_for_change(message_id=message_id, user=user)
        if message.author_id != user.pk:
            require_moderator(access)
        if message.deleted:
            return message
        MessageRevision.objects.create(message=message, body=message.body, replaced_by=user)
        message.body = message.html = ""
        message.mentions = []
        message.deleted = True
        message.pinned = False
        message.save(update_fields=["body", "html", "mentions", "deleted", "pinned"])
        if message.author_id != user.pk:
            ModerationAction.objects.create(
                space=message.space, actor=user, kind=ModerationAction.Kind.DELETE_MESSAGE,
                target_user=message.author, message_seq=message.seq, reason=reason,
            )  # fmt: skip
        _publish_updated(message)
    return message


def message_pin(*, message_id: int, user: User, pinned: bool = True) -> Message:
    with transaction.atomic():
        message, access = _message_for_change(message_id=message_id, user=user)
        require_moderator(access)
        if message.deleted:
            raise HubError("not_found", _("This message was deleted."), status=404)
        if message.pinned != pinned:
            message.pinned = pinned
            message.save(update_fields=["pinned"])
            kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
            ModerationAction.objects.create(space=message.space, actor=user, kind=kind, message_seq=message.seq)
            _publish_updated(message)
    return message


def reaction_set(*, message_id: int, user: User, emoji: object, present: bool) -> Message:
    """Add (``present``) or remove the caller's ``emoji`` reaction; broadcasts ``reaction``."""
    if (
        not isinstance(emoji, str)
        or not emoji.strip()
        or len(emoji) > MAX_EMOJI_CHARS
        or any(c.isspace() or c == "\x00" for c in emoji)
    ):
        raise HubError("invalid_frame", _("An emoji is 1 to %(n)d characters without spaces.") % {"n": MAX_EMOJI_CHARS})
    with transaction.atomic():
        message, access = _message_for_change(message_id=message_id, user=user)
        require_member(access)
        if message.deleted:
            raise HubError("not_found", _("This message was deleted."), status=404)
        if access.muted:
            raise HubError("muted", _("You are muted in this space."), status=403)
        if present:
            changed = Reaction.objects.get_or_create(message=message, user=user, emoji=emoji)[1]
        else:
            changed = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()[0] > 0
        if changed:
            counts = dict(message.reactions)
            counts[emoji] = counts.get(emoji, 0) + (1 if present else -1)
            if counts[emoji] <= 0:
                del counts[emoji]
            message.reactions = counts
            message.save(update_fields=["reactions"])
            publish_on_commit(space_event(message.space_id, payloads.reaction_frame(message), ref_seq=message.seq))
    return message


def read_mark(*, slug: str, user: User, seq: object) -> int:
    """Marks the space read up to ``seq`` (never backwards); returns the new read marker."""
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise HubError("invalid_frame", _("seq must be a non-negative integer."))
    access = space_access_by_slug(slug=slug, user=user)
    if access.membership is None:
        raise HubError("not_member", _("Join the space first."), status=403)
    seq = min(seq, access.space.last_seq)
    Membership.objects.filter(pk=access.membership.pk).update(last_read_seq=Greatest(F("last_read_seq"), seq))
    return max(access.membership.last_read_seq, seq)


def report_create(*, message_id: int, user: User, reason: object) -> Report:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 2000:
        raise HubError("invalid", _("Say why, in at most 2000 characters."))
    with transaction.atomic():
        message, access = _message_for_change(message_id=message_id, user=user)
        require_member(access)
        report, created = Report.objects.get_or_create(message=message, reporter=user, defaults={"reason": reason})
        if created:
            publish_on_commit(space_event(message.space_id, payloads.report_frame(report), roles=["moderator"]))
    return report


def message_revisions(*, message_id: int, user: User) -> list[MessageRevision]:
    message, access = _message_for_change(message_id=message_id, user=user, lock=False)
    require_moderator(access)
    return list(message.revisions.select_related("replaced_by").order_by("replaced_at", "pk"))


def _publish_updated(message: Message) -> None:
    publish_on_commit(
        space_event(
            message.space_id,
            payloads.message_updated_frame(message, space_slug=message.space.slug),
            ref_seq=message.seq,
        )
    )
