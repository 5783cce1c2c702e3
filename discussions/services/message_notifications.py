"""Notifications owed for new messages (mentions, replies) and for space invitations.

Called inside the transaction that stores the cause, so the notifications commit or roll back
with it; ``notifications.services.notification_create`` queues their emails and live pushes for
after the commit. Mention and reply emails wait ``NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS``
(``notifications.message_emails``) and are dropped if the message is read meanwhile.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from discussions.models import Invitation, Message, Space
from discussions.selectors.notified import MENTION, message_recipients
from notifications.models import Notification
from notifications.selectors import MESSAGE_SOURCE_PREFIX
from notifications.services import AboutMessage, notification_create

EXCERPT_CHARS = 300


def _literal(text: str) -> str:
    """User content as a ``notification_create`` body, which fills ``%(name)s`` from params: its
    own ``%`` signs must stay as written."""
    return text.replace("%", "%%")


def message_url(space: Space, seq: int) -> str:
    return reverse("discussions:space", args=[space.slug]) + f"#m{seq}"


def message_notifications_create(*, space: Space, messages: list[Message]) -> int:
    """Tell the members each new message mentions, and the author of the message it replies to,
    once each (``message_recipients`` says who); returns how many notifications were created.

    Precondition: inside the posting transaction, ``messages`` stored (primary keys set) with their
    authors loaded. A message without mentions or a reply costs no query.
    """
    created = 0
    for recipient in message_recipients(space=space, messages=messages, now=timezone.now()):
        message = recipient.message
        if recipient.reason == MENTION:
            kind, title = Notification.Kind.MENTION, _("%(author)s mentioned you in %(space)s")
        else:
            kind, title = Notification.Kind.REPLY, _("%(author)s replied to you in %(space)s")
        notification = notification_create(
            recipient=recipient.user,
            kind=kind,
            title=title,
            params={"author": message.author.shown_name, "space": space.name},
            body=_literal(Truncator(message.body).chars(EXCERPT_CHARS)),
            url=message_url(space, message.seq),
            source_key=f"{MESSAGE_SOURCE_PREFIX}{message.pk}",
            about_message=AboutMessage(space_id=space.pk, seq=message.seq),
        )
        created += notification is not None
    return created


def space_invitation_notify(*, invitation: Invitation, moderator: User) -> None:
    """Tell the invitee (precondition: inside the transaction that created ``invitation``)."""
    space = invitation.space
    notification_create(
        recipient=invitation.user,
        kind=Notification.Kind.SPACE_INVITATION,
        title=_("%(moderator)s invited you to the space %(space)s"),
        params={"moderator": moderator.shown_name, "space": space.name},
        body=_literal(Truncator(space.description).chars(EXCERPT_CHARS)),
        url=reverse("discussions:space", args=[space.slug]),
        source_key=f"space-invitation:{invitation.pk}",
    )
