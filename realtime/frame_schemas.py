"""JSON Schemas of the frames every stream socket shares (the contract: PROTOCOL.md).

Each app declares its own socket's frames the same way (``discussions/frame_schemas.py``), and may
refer to the OpenAPI document's components (``OPENAPI_REF``) so that a message or a space has one
schema whether it comes over REST or a socket. The test suite checks every frame it receives
against these (``tests/frame_contract.py``), as Zulip checks its events.
"""

from typing import Any

from hub.errors import ErrorCode

Schema = dict[str, Any]

# Resolved against the OpenAPI document served at /api/schema/.
OPENAPI_REF = "urn:hub:openapi#/components/schemas/"


def frame_schema(frame_type: str | list[str], properties: Schema, *, optional: Schema | None = None) -> Schema:
    """An object frame: ``type`` plus ``properties`` (all required) and ``optional`` ones, nothing else."""
    type_schema = {"const": frame_type} if isinstance(frame_type, str) else {"enum": frame_type}
    return {
        "type": "object",
        "properties": {"type": type_schema, **properties, **(optional or {})},
        "required": ["type", *properties],
        "additionalProperties": False,
    }


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
SEQ: Schema = {"type": "integer", "minimum": 1}

SHARED_FRAMES: dict[str, Schema] = {
    "presence": frame_schema("presence", {"username": STRING, "online": BOOLEAN}),
    "pong": frame_schema("pong", {}),
    "history.truncated": frame_schema("history.truncated", {"from_seq": SEQ}),
    "error": frame_schema(
        "error",
        {"code": {"enum": [code.value for code in ErrorCode]}, "detail": STRING},
        optional={"client_id": STRING, "retry_after": {"type": "integer", "minimum": 1}},
    ),
}
