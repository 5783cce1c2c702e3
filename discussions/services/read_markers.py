"""Read markers: how far each member has read a space (never backwards)."""

from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from accounts.models import User
from discussions.models import Membership
from discussions.services.access import space_access_by_slug
from hub.errors import ErrorCode, HubError
from notifications.live import push_unread_on_commit
from notifications.services import message_notifications_read


def read_mark(*, slug: str, user: User, seq: int) -> int:
    """Marks the space read up to ``seq`` (never backwards); returns the new read marker."""
    if seq < 0:
        raise HubError(ErrorCode.INVALID_FRAME, _("seq must be a non-negative integer."))
    access = space_access_by_slug(slug=slug, user=user)
    if access.membership is None:
        raise HubError(ErrorCode.NOT_MEMBER, _("Join the space first."))
    seq = min(seq, access.space.last_seq)
    Membership.objects.filter(pk=access.membership.pk).update(last_read_seq=Greatest(F("last_read_seq"), seq))
    if seq > access.membership.last_read_seq:
        # Reading the conversation reads its mentions and replies; then the new counts to the bell.
        message_notifications_read(user=user, space_id=access.space.pk, up_to_seq=seq)
        push_unread_on_commit([user.pk])
    return max(access.membership.last_read_seq, seq)
