"""The JSON shapes of notifications: the REST inbox, subscriptions, preferences, and the
``/ws/notifications/`` socket's frames.

One typed builder per shape; ``notifications/schema.py`` declares the same fields for the OpenAPI
document, ``notifications/frame_schemas.py`` the frames' JSON Schemas, and
``tests/notifications/test_contracts.py`` checks that they agree.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from notifications.models import DIGEST_HOUR_DEFAULT, Notification, NotificationPreference, Subscription


class NotificationPayload(TypedDict):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: str
    read_at: str | None


class ReadAllPayload(TypedDict):
    marked_read: int


class SubscriptionPayload(TypedDict):
    objectives: list[str]
    regions: list[str]
    kinds: list[str]


class PreferencesPayload(TypedDict):
    email: str
    muted_spaces: list[str]
    timezone: str
    digest_hour: int


class UnreadFrame(TypedDict):
    type: Literal["unread"]
    spaces: dict[str, int]
    notifications: int


class NotificationNewFrame(TypedDict):
    type: Literal["notification.new"]
    notification: NotificationPayload


@dataclass(frozen=True)
class UnreadCounts:
    """What a user has not read: messages per space they are a member of (by slug), notifications."""

    notifications: int = 0
    spaces: Mapping[str, int] = field(default_factory=dict)


def notification_payload(notification: Notification) -> NotificationPayload:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


def read_all_payload(marked_read: int) -> ReadAllPayload:
    return {"marked_read": marked_read}


def subscription_payload(subscription: Subscription | None) -> SubscriptionPayload:
    """A user's subscription; none yet reads as every list empty."""
    if subscription is None:
        return {"objectives": [], "regions": [], "kinds": []}
    return {
        "objectives": list(subscription.objectives),
        "regions": list(subscription.regions),
        "kinds": list(subscription.kinds),
    }


def preferences_payload(preference: NotificationPreference | None) -> PreferencesPayload:
    """A user's preferences; none yet reads as the defaults."""
    if preference is None:
        return {
            "email": NotificationPreference.Email.IMMEDIATE.value,
            "muted_spaces": [],
            "timezone": "UTC",
            "digest_hour": DIGEST_HOUR_DEFAULT,
        }
    return {
        "email": preference.email,
        "muted_spaces": list(preference.muted_spaces),
        "timezone": preference.timezone,
        "digest_hour": preference.digest_hour,
    }


def unread_frame(counts: UnreadCounts) -> UnreadFrame:
    return {"type": "unread", "spaces": dict(counts.spaces), "notifications": counts.notifications}


def notification_new_frame(notification: Notification) -> NotificationNewFrame:
    return {"type": "notification.new", "notification": notification_payload(notification)}
