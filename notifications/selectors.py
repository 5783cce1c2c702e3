"""Reads for notifications: the inbox and a user's preferences."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, NotificationPreference
from notifications.unsubscribe import unsubscribe_token_user_id


def notifications_of(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (only theirs: the inbox never shows another's)."""
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def email_preference_of(user: User) -> str:
    """The user's email preference (``NotificationPreference.Email``), the default until they chose one."""
    chosen = NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return chosen or NotificationPreference.Email.IMMEDIATE


def user_by_unsubscribe_token(token: str) -> User | None:
    """The user an unsubscribe link names, or None for a bad token or a user who no longer exists."""
    user_id = unsubscribe_token_user_id(token)
    return None if user_id is None else User.objects.filter(pk=user_id).first()
