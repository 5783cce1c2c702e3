"""Discussions' personal data in the data-rights registry (``accounts.personal_data``).

Export: the caller's memberships (with their read markers), every message they wrote (their own
words, wherever they wrote them: also in a private space they have since left, but never anyone
else's message there), the earlier versions of those messages, their reactions, the invitations
they received, the reports they filed, and the bans and mutes that applied to them.

Erasure: memberships, invitations, reports, bans and mutes go; the user's sockets on the spaces
they belonged to are closed (4401). Their messages and reactions stay where they are, attributed
to the scrubbed account (shown as a deleted user; the seq of every message unchanged). Mentions
of them in other people's messages (the body, its rendered HTML, the earlier versions and the
``mentions`` list) are rewritten to the account's new neutral username, and the notifications
about their own messages (a mention or a reply notification names its author) to the translated
"Deleted user". Moderation log entries about them keep what happened but lose the reason.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.erasure import erased_username
from accounts.models import User
from accounts.personal_data import EXPORT_CHUNK_SIZE, iso, register_eraser, register_export, register_kept_reference
from discussions import payloads
from discussions.models import (
    Ban,
    Invitation,
    Membership,
    Message,
    MessageRevision,
    ModerationAction,
    Mute,
    Reaction,
    Report,
)
from discussions.rendering import render_markdown
from discussions.streams import space_close_envelope, space_envelope
from notifications.personal_data import notifications_rename_author, source_keys_of
from notifications.selectors import MESSAGE_SOURCE_PREFIX
from realtime.codes import CloseCode
from realtime.publish import publish_on_commit

SPACE_INVITATION_SOURCE_PREFIX = "space-invitation:"  # discussions.services.message_notifications


def membership_items(user: User) -> Iterator[Mapping[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("space").order_by("pk")
    for membership in memberships.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "space": membership.space.slug,
            "space_name": membership.space.name,
            "role": membership.role,
            "last_read_seq": membership.last_read_seq,
            "joined_at": iso(membership.joined_at),
        }


def message_items(user: User) -> Iterator[Mapping[str, Any]]:
    messages = Message.objects.filter(author=user).select_related("space", "topic").order_by("pk")
    for message in messages.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": message.pk,
            "space": message.space.slug,
            "seq": message.seq,
            "topic": message.topic.name if message.topic is not None else None,
            "body": message.body,
            "reply_to": message.reply_to_seq,
            "mentions": message.mentions,
            "reactions": message.reactions,
            "pinned": message.pinned,
            "deleted": message.deleted,
            "created_at": iso(message.created_at),
            "edited_at": iso(message.edited_at),
        }


def revision_items(user: User) -> Iterator[Mapping[str, Any]]:
    revisions = MessageRevision.objects.filter(message__author=user).select_related("message__space").order_by("pk")
    for revision in revisions.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "message": revision.message_id,
            "space": revision.message.space.slug,
            "seq": revision.message.seq,
            "body": revision.body,
            "replaced_at": iso(revision.replaced_at),
        }


def reaction_items(user: User) -> Iterator[Mapping[str, Any]]:
    reactions = Reaction.objects.filter(user=user).select_related("message__space").order_by("pk")
    for reaction in reactions.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "message": reaction.message_id,
            "space": reaction.message.space.slug,
            "seq": reaction.message.seq,
            "emoji": reaction.emoji,
            "created_at": iso(reaction.created_at),
        }


def invitation_items(user: User) -> Iterator[Mapping[str, Any]]:
    invitations = Invitation.objects.filter(user=user).select_related("space").order_by("pk")
    for invitation in invitations.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "space": invitation.space.slug,
            "created_at": iso(invitation.created_at),
            "accepted_at": iso(invitation.accepted_at),
        }


def report_items(user: User) -> Iterator[Mapping[str, Any]]:
    reports = Report.objects.filter(reporter=user).select_related("message__space").order_by("pk")
    for report in reports.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "message": report.message_id,
            "space": report.message.space.slug,
            "seq": report.message.seq,
            "reason": report.reason,
            "status": report.status,
            "created_at": iso(report.created_at),
        }


def restriction_items(user: User) -> Iterator[Mapping[str, Any]]:
    for kind, model in (("ban", Ban), ("mute", Mute)):
        for restriction in model.objects.filter(user=user).select_related("space").order_by("pk"):
            yield {
                "kind": kind,
                "space": restriction.space.slug,
                "reason": restriction.reason,
                "created_at": iso(restriction.created_at),
                "expires_at": iso(restriction.expires_at),
            }


def _mention_pattern(username: str) -> re.Pattern[str]:
    # The rendering's own mention syntax (``discussions.rendering``): ``@name`` not inside a word,
    # not followed by more of a username.
    return re.compile(rf"(?<![\w@])@{re.escape(username)}(?![\w+-]|\.[\w+-])", re.IGNORECASE)


def mentions_rewrite(user: User) -> None:
    """Other people's messages that mention the user now mention the erased account's neutral name.

    The candidates are found by the body's text (``icontains``: a scan of the messages, which an
    erasure can afford); the pattern then decides. Sockets following those spaces receive the
    rewritten messages (``message.updated``) after commit.
    """
    old, new = user.username, erased_username(user)
    pattern = _mention_pattern(old)
    candidates = (
        Message.objects.filter(body__icontains=f"@{old}")
        .exclude(author=user)
        .select_related("space", "author", "topic")
    )
    for message in candidates.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        body = pattern.sub(f"@{new}", message.body)
        if body == message.body:
            continue
        message.body = body
        message.html = render_markdown(body)
        message.mentions = [new if name.lower() == old.lower() else name for name in message.mentions]
        message.save(update_fields=["body", "html", "mentions"])
        publish_on_commit(
            space_envelope(
                message.space_id,
                payloads.message_updated_frame(message, space_slug=message.space.slug),
                ref_seq=message.seq,
            )
        )
        notifications_rename_author(source_keys=[f"{MESSAGE_SOURCE_PREFIX}{message.pk}"], old=f"@{old}", new=f"@{new}")
    revisions = MessageRevision.objects.filter(body__icontains=f"@{old}")
    for revision in revisions.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        body = pattern.sub(f"@{new}", revision.body)
        if body != revision.body:
            MessageRevision.objects.filter(pk=revision.pk).update(body=body)


def discussions_erase(user: User) -> None:
    space_ids = list(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    Ban.objects.filter(user=user).delete()
    Mute.objects.filter(user=user).delete()
    ModerationAction.objects.filter(target_user=user).update(reason="")
    mentions_rewrite(user)
    # A mention or reply notification names its author in its title, an invitation its moderator.
    own_messages = source_keys_of(MESSAGE_SOURCE_PREFIX, Message.objects.filter(author=user))
    notifications_rename_author(source_keys=own_messages, old=user.shown_name, new=None)
    invited = source_keys_of(SPACE_INVITATION_SOURCE_PREFIX, Invitation.objects.filter(invited_by=user))
    notifications_rename_author(source_keys=invited, old=user.shown_name, new=None)
    for space_id in space_ids:
        publish_on_commit(space_close_envelope(space_id, user.pk, CloseCode.UNAUTHENTICATED))


register_export(
    "memberships",
    items=membership_items,
    description=_("The discussion spaces you belong to."),
    fields={
        "space": _("The space's slug (its address: /spaces/<slug>/)."),
        "space_name": _("The space's name."),
        "role": _("member or moderator."),
        "last_read_seq": _("Your read marker: the number of the last message you read there."),
        "joined_at": _("When you joined."),
    },
    order=10,
)
register_export(
    "messages",
    items=message_items,
    description=_(
        "Every message you wrote, wherever you wrote it (also in private spaces you have since left); "
        "never other people's messages."
    ),
    fields={
        "id": _("The message's number on the Hub."),
        "space": _("The slug of the space it was posted in."),
        "seq": _("Its place in the space's history (1, 2, 3, ...)."),
        "topic": _("The topic it was posted under, or null."),
        "body": _("What you wrote (Markdown), as it stands now."),
        "reply_to": _("The seq of the message it replies to, or null."),
        "mentions": _("The usernames it mentions."),
        "reactions": _("How many people reacted with each emoji."),
        "pinned": _("Whether a moderator pinned it."),
        "deleted": _("Whether it was deleted (by you or a moderator)."),
        "created_at": _("When it was posted."),
        "edited_at": _("When it was last edited, or null."),
    },
    order=11,
)
register_export(
    "message_revisions",
    items=revision_items,
    description=_("Earlier versions of your messages, kept when one was edited or deleted."),
    fields={
        "message": _("The message's number."),
        "space": _("The slug of its space."),
        "seq": _("Its seq in the space."),
        "body": _("The text before the change."),
        "replaced_at": _("When it was replaced."),
    },
    order=12,
)
register_export(
    "reactions",
    items=reaction_items,
    description=_("Your reactions to messages."),
    fields={
        "message": _("The message's number."),
        "space": _("The slug of its space."),
        "seq": _("Its seq in the space."),
        "emoji": _("The emoji."),
        "created_at": _("When you reacted."),
    },
    order=13,
)
register_export(
    "space_invitations",
    items=invitation_items,
    description=_("Invitations you received to private spaces."),
    fields={
        "space": _("The space's slug."),
        "created_at": _("When you were invited."),
        "accepted_at": _("When you joined, or null."),
    },
    order=14,
)
register_export(
    "reports",
    items=report_items,
    description=_("Messages you reported to moderators."),
    fields={
        "message": _("The reported message's number."),
        "space": _("The slug of its space."),
        "seq": _("Its seq in the space."),
        "reason": _("The reason you gave."),
        "status": _("open or resolved."),
        "created_at": _("When you reported it."),
    },
    order=15,
)
register_export(
    "bans_and_mutes",
    items=restriction_items,
    description=_("Bans and mutes moderators applied to you."),
    fields={
        "kind": _("ban or mute."),
        "space": _("The space's slug."),
        "reason": _("The reason the moderator gave."),
        "created_at": _("When it began."),
        "expires_at": _("When it ends, or null (until lifted)."),
    },
    order=16,
)
register_eraser(
    "discussions",
    erase=discussions_erase,
    handles=[
        "discussions.Membership.user",
        "discussions.Invitation.user",
        "discussions.Report.reporter",
        "discussions.Ban.user",
        "discussions.Mute.user",
    ],
    order=10,
)
_KEPT_REASON = _("Other people's record (a space, topic, message history or moderation log) keeps pointing to "
                 "the deleted account, which holds no personal data any more.")  # fmt: skip
register_kept_reference(
    "discussions.Message.author",
    reason=_("Your messages stay in their spaces (seq unchanged), shown as written by a deleted user."),
)
register_kept_reference(
    "discussions.ModerationAction.target_user",
    reason=_("The moderation log keeps what moderators did to the deleted account, without the reasons they gave."),
)
register_kept_reference(
    "discussions.Reaction.user",
    reason=_("Reactions stay, counted on their messages and attributed to a deleted user."),
)
for _label in (
    "discussions.Space.created_by",
    "discussions.Invitation.invited_by",
    "discussions.Topic.created_by",
    "discussions.MessageRevision.replaced_by",
    "discussions.Ban.created_by",
    "discussions.Mute.created_by",
    "discussions.ModerationAction.actor",
):
    register_kept_reference(_label, reason=_KEPT_REASON)
