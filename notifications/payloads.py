"""The JSON shape of a notification, for the REST inbox and (later) the ``/ws/notifications/`` socket.

One typed builder per shape; ``notifications/schema.py`` declares the same fields for the OpenAPI
document and ``tests/notifications/test_contracts.py`` checks that the two agree.
"""

from typing import TypedDict

from notifications.models import Notification


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
