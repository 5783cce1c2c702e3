"""JSON Schemas of the ``/ws/notifications/`` socket's server frames (PROTOCOL.md, "Notifications").

A notification refers to the OpenAPI document's component: one schema whether it comes over REST
or the socket. ``payloads.py`` builds every one of these frames.
"""

from realtime.frame_schemas import OPENAPI_REF, SHARED_FRAMES, Schema, frame_schema

COUNT: Schema = {"type": "integer", "minimum": 0}

NOTIFICATION_SOCKET_FRAMES: dict[str, Schema] = {
    "pong": SHARED_FRAMES["pong"],
    "error": SHARED_FRAMES["error"],
    "unread": frame_schema(
        "unread",
        {"spaces": {"type": "object", "additionalProperties": COUNT}, "notifications": COUNT},
    ),
    "notification.new": frame_schema("notification.new", {"notification": {"$ref": OPENAPI_REF + "NotificationOut"}}),
}
