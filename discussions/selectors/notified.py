"""Who is told about a new message: the members it mentions and the author it replies to.

Read set-based for a batch of new messages (``message_post_many``), in at most five queries
whatever the number of messages and recipients, and none for a batch without mentions or
replies: posting is the Hub's hottest write.
"""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from discussions.models import Ban, Membership, Message, Space, in_force
from notifications.models import NotificationPreference

MENTION = "mention"
REPLY = "reply"


@dataclass(frozen=True)
class MessageRecipient:
    """One person to tell about ``message``, and why (``MENTION`` or ``REPLY``)."""

    message: Message
    user: User
    reason: str


def message_recipients(*, space: Space, messages: list[Message], now: datetime) -> list[MessageRecipient]:
    """For each message, in order: each member it mentions, then the author of the message it replies
    to, each at most once per message (a mention wins over a reply).

    Nobody is told about their own message, nor about a space they have muted
    (``NotificationPreference.muted_spaces``) or may not read: banned users, and outside members
    of a private space. A mention tells members only (as Zulip tells only a stream's subscribers);
    a reply tells its parent's author wherever they may read. Inactive users are never told.
    """
    mentioned = {username for message in messages for username in message.mentions}
    reply_seqs = {message.reply_to_seq for message in messages if message.reply_to_seq is not None}
    if not mentioned and not reply_seqs:
        return []
    users = {user.username: user for user in User.objects.filter(username__in=mentioned, is_active=True)}
    parents: dict[int, int] = dict(
        Message.objects.filter(space=space, seq__in=reply_seqs).values_list("seq", "author_id")
    )
    missing = set(parents.values()) - {user.pk for user in users.values()}
    by_id = {user.pk: user for user in users.values()}
    by_id.update(User.objects.filter(pk__in=missing, is_active=True).in_bulk())
    if not by_id:
        return []
    ids = list(by_id)
    members = set(Membership.objects.filter(space=space, user_id__in=ids).values_list("user_id", flat=True))
    banned = set(Ban.objects.filter(in_force(now), space=space, user_id__in=ids).values_list("user_id", flat=True))
    muted = {
        user_id
        for user_id, slugs in NotificationPreference.objects.filter(user_id__in=ids).values_list(
            "user_id", "muted_spaces"
        )
        if space.slug in (slugs or [])
    }

    def may_read(user: User) -> bool:
        return user.pk not in banned and (not space.is_private or user.pk in members or user.is_staff)

    recipients: list[MessageRecipient] = []
    for message in messages:
        told: set[int] = {message.author_id}
        for username in message.mentions:
            user = users.get(username)
            if user is None or user.pk in told or user.pk in muted or user.pk not in members or not may_read(user):
                continue
            told.add(user.pk)
            recipients.append(MessageRecipient(message, user, MENTION))
        parent_author = parents.get(message.reply_to_seq) if message.reply_to_seq is not None else None
        user = by_id.get(parent_author) if parent_author is not None else None
        if user is not None and user.pk not in told and user.pk not in muted and may_read(user):
            recipients.append(MessageRecipient(message, user, REPLY))
    return recipients
