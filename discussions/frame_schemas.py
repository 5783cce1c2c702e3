"""JSON Schemas of the space socket's server frames (PROTOCOL.md, "The space socket").

Messages and spaces refer to the OpenAPI document's components: one schema for a message
whichever way it reaches a client. ``payloads.py`` builds every one of these frames.
"""

from discussions.services.access import MEMBER, MODERATOR, VISITOR
from realtime.frame_schemas import INTEGER, OPENAPI_REF, SEQ, SHARED_FRAMES, STRING, Schema, frame_schema

ROLE: Schema = {"enum": [VISITOR, MEMBER, MODERATOR]}
REACTIONS: Schema = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
MESSAGE: Schema = {"$ref": OPENAPI_REF + "MessageOut"}
SPACE: Schema = {"$ref": OPENAPI_REF + "SpaceOut"}

SPACE_SOCKET_FRAMES: dict[str, Schema] = {
    **SHARED_FRAMES,
    "hello": frame_schema(
        "hello",
        {
            "space": STRING,
            "last_seq": {"type": "integer", "minimum": 0},
            "role": ROLE,
            "online": {"type": "array", "items": STRING},
            "online_count": {"type": "integer", "minimum": 0},
        },
    ),
    "message.new": frame_schema("message.new", {"message": MESSAGE}),
    "message.updated": frame_schema("message.updated", {"message": MESSAGE}),
    "reaction": frame_schema("reaction", {"seq": SEQ, "reactions": REACTIONS}),
    "typing": frame_schema("typing", {"username": STRING}),
    "member.joined": frame_schema("member.joined", {"username": STRING}),
    "member.left": frame_schema("member.left", {"username": STRING}),
    "space.updated": frame_schema("space.updated", {"space": SPACE}),
    "report.new": frame_schema(
        "report.new",
        {
            "report": {
                "type": "object",
                "properties": {
                    "id": INTEGER,
                    "seq": SEQ,
                    "reason": STRING,
                    "reporter": STRING,
                    "created_at": {"type": "string", "format": "date-time"},
                },
                "required": ["id", "seq", "reason", "reporter", "created_at"],
                "additionalProperties": False,
            }
        },
    ),
}
