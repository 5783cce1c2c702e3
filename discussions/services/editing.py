"""Changing posted messages: edit (author), delete (author or moderator), pin (moderators).

A deleted message keeps its seq (a tombstone); every change is broadcast as ``message.updated``
after commit, and the earlier body is kept as a revision for moderators.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from discussions import payloads
from discussions.models import Message, MessageRevision, ModerationAction
from discussions.rendering import render_markdown
from discussions.selectors import messages_with_authors
from discussions.selectors.spaces import message_id_by_seq
from discussions.services.access import SpaceAccess, message_access, message_not_found, require_moderator
from discussions.services.posting import message_mentions, validate_body
from discussions.streams import space_envelope
from hub.errors import ErrorCode, HubError
from realtime.publish import publish_on_commit
from webhooks.outbox import webhooks_message_updated


def message_for_change(*, message_id: int, user: User) -> tuple[Message, SpaceAccess]:
    """The message, its row locked until the transaction ends, with the caller's access to its space."""
    queryset = messages_with_authors().select_related("space").select_for_update(of=("self",))
    message = queryset.filter(pk=message_id).first()
    if message is None:
        raise message_not_found()
    return message, message_access(message=message, user=user)


def message_edit(*, message_id: int, user: User, body: str) -> Message:
    body = validate_body(body)
    with transaction.atomic():
        message, _access = message_for_change(message_id=message_id, user=user)
        if message.author_id != user.pk:
            raise HubError(ErrorCode.FORBIDDEN, _("Only the author may edit a message."))
        if message.deleted:
            raise HubError(ErrorCode.NOT_FOUND, _("This message was deleted."))
        if body != message.body:
            MessageRevision.objects.create(message=message, body=message.body, replaced_by=user)
            message.body = body
            message.html = render_markdown(body)
            message.mentions = message_mentions(body)
            message.edited_at = timezone.now()
            message.save(update_fields=["body", "html", "mentions", "edited_at"])
            _publish_updated(message)
    return message


def message_delete(*, message_id: int, user: User, reason: str = "") -> Message:
    """Empties body and html but keeps the seq (a tombstone); the old body stays for moderators."""
    with transaction.atomic():
        message, access = message_for_change(message_id=message_id, user=user)
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
        message, access = message_for_change(message_id=message_id, user=user)
        require_moderator(access)
        if message.deleted:
            raise HubError(ErrorCode.NOT_FOUND, _("This message was deleted."))
        if message.pinned != pinned:
            message.pinned = pinned
            message.save(update_fields=["pinned"])
            kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
            ModerationAction.objects.create(space=message.space, actor=user, kind=kind, message_seq=message.seq)
            _publish_updated(message)
    return message


def message_edit_by_seq(*, slug: str, seq: int, user: User, body: str) -> Message:
    """``message_edit`` of the message with ``seq`` in the space (the socket names messages by seq)."""
    return message_edit(message_id=message_id_by_seq(slug=slug, seq=seq), user=user, body=body)


def message_delete_by_seq(*, slug: str, seq: int, user: User) -> Message:
    return message_delete(message_id=message_id_by_seq(slug=slug, seq=seq), user=user)


def _publish_updated(message: Message) -> None:
    webhooks_message_updated(message=message)
    publish_on_commit(
        space_envelope(
            message.space_id,
            payloads.message_updated_frame(message, space_slug=message.space.slug),
            ref_seq=message.seq,
        )
    )
