"""Reads for notifications: the inbox, what a user has not read, their subscription and preferences."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from discussions.models import Membership, Message, Space
from gcm.selectors import objectives_in_order, region_labels
from notifications.models import Notification, NotificationPreference, Subscription
from notifications.payloads import UnreadCounts
from notifications.unsubscribe import unsubscribe_token_user_id


def notifications_of(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (only theirs: the inbox never shows another's)."""
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def email_preference_of(user: User) -> str:
    """The user's email preference (``NotificationPreference.Email``), the default until they chose one."""
    chosen = NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return chosen or NotificationPreference.Email.IMMEDIATE


def preference_of(user: User) -> NotificationPreference | None:
    """The user's preference row; None until they first chose (the defaults apply)."""
    return NotificationPreference.objects.filter(user=user).first()


def subscription_of(user: User) -> Subscription | None:
    """The user's subscription; None until they first subscribed."""
    return Subscription.objects.filter(user=user).first()


def user_by_unsubscribe_token(token: str) -> User | None:
    """The user an unsubscribe link names, or None for a bad token or a user who no longer exists."""
    user_id = unsubscribe_token_user_id(token)
    return None if user_id is None else User.objects.filter(pk=user_id).first()


def unread_notification_count(user: User) -> int:
    """How many of ``user``'s notifications are unread (the bell's count; the partial index answers it)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


MESSAGE_SOURCE_PREFIX = "message:"  # the source_key of mentions and replies: "message:<message id>"


def unread_message_notifications(user: User) -> dict[int, int]:
    """``user``'s unread mentions and replies: message id -> notification id (the unread index answers)."""
    unread = Notification.objects.filter(
        recipient=user,
        read_at__isnull=True,
        kind__in=[Notification.Kind.MENTION, Notification.Kind.REPLY],
        source_key__startswith=MESSAGE_SOURCE_PREFIX,
    ).values_list("pk", "source_key")
    found: dict[int, int] = {}
    for notification_id, source_key in unread:
        message_id = source_key.removeprefix(MESSAGE_SOURCE_PREFIX)
        if message_id.isdigit():
            found[int(message_id)] = notification_id
    return found


def unread_counts_of(user_ids: Collection[int]) -> dict[int, UnreadCounts]:
    """What each of these users has not read, in two queries whatever their number.

    Notifications: the unread ones. Spaces: for each space the user is a member of, the messages
    after their read marker that others wrote and that are not deleted (0 included, so that a
    client can clear a count). Every user asked for is in the answer.
    """
    ids = list(set(user_ids))
    if not ids:
        return {}
    notifications = dict(
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .order_by()
        .values_list("recipient_id")
        .annotate(count=Count("pk"))
        .values_list("recipient_id", "count")
    )
    unread_in_space = (
        Message.objects.filter(space_id=OuterRef("space_id"), seq__gt=OuterRef("last_read_seq"), deleted=False)
        .exclude(author_id=OuterRef("user_id"))
        .order_by()
        .values("space_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    spaces: defaultdict[int, dict[str, int]] = defaultdict(dict)
    memberships = (
        Membership.objects.filter(user_id__in=ids)
        .annotate(unread=Coalesce(Subquery(unread_in_space, output_field=IntegerField()), 0))
        .order_by("space__slug")
        .values_list("user_id", "space__slug", "unread")
    )
    for user_id, slug, unread in memberships:
        spaces[user_id][slug] = unread
    return {
        user_id: UnreadCounts(notifications=notifications.get(user_id, 0), spaces=spaces.get(user_id, {}))
        for user_id in ids
    }


def unread_counts(user_id: int) -> UnreadCounts:
    return unread_counts_of([user_id])[user_id]


def active_user_ids(user_ids: Collection[int]) -> set[int]:
    """Of these users, those who still exist and may log in."""
    return set(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("pk", flat=True))


@dataclass(frozen=True)
class SettingsChoices:
    """What the settings page offers, labelled in the request's language."""

    objectives: list[tuple[str, str]]
    regions: list[tuple[str, str]]
    spaces: list[tuple[str, str]]  # (slug, name): the user's spaces, and any they muted before


def settings_choices(user: User) -> SettingsChoices:
    """Three queries: objectives, regions, and the spaces the user may mute."""
    muted = NotificationPreference.objects.filter(user=user).values_list("muted_spaces", flat=True).first() or []
    spaces = (
        Space.objects.filter(Q(memberships__user=user) | Q(slug__in=muted))
        .distinct()
        .order_by("name", "slug")
        .values_list("slug", "name")
    )
    return SettingsChoices(
        objectives=[(objective.key, str(objective)) for objective in objectives_in_order()],
        regions=list(region_labels().items()),
        spaces=list(spaces),
    )
