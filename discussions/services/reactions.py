"""Reactions: a member adds or removes an emoji on a message; broadcast as ``reaction`` after commit."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from discussions import payloads
from discussions.models import Message, Reaction
from discussions.selectors.spaces import message_id_by_seq
from discussions.services.access import require_member
from discussions.services.editing import message_for_change
from discussions.streams import space_envelope
from hub.errors import ErrorCode, HubError
from realtime.publish import publish_on_commit

MAX_EMOJI_CHARS = 32


def reaction_set(*, message_id: int, user: User, emoji: str, present: bool) -> Message:
    """Add (``present``) or remove the caller's ``emoji`` reaction; broadcasts ``reaction``."""
    if not emoji.strip() or len(emoji) > MAX_EMOJI_CHARS or any(c.isspace() or c == "\x00" for c in emoji):
        raise HubError(
            ErrorCode.INVALID_FRAME, _("An emoji is 1 to %(n)d characters without spaces.") % {"n": MAX_EMOJI_CHARS}
        )
    with transaction.atomic():
        message, access = message_for_change(message_id=message_id, user=user)
        require_member(access)
        if message.deleted:
            raise HubError(ErrorCode.NOT_FOUND, _("This message was deleted."))
        if access.muted:
            raise HubError(ErrorCode.MUTED, _("You are muted in this space."))
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
            publish_on_commit(space_envelope(message.space_id, payloads.reaction_frame(message), ref_seq=message.seq))
    return message


def reaction_set_by_seq(*, slug: str, seq: int, user: User, emoji: str, present: bool) -> Message:
    return reaction_set(message_id=message_id_by_seq(slug=slug, seq=seq), user=user, emoji=emoji, present=present)
