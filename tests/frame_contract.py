"""Every socket frame a test receives is checked against its socket's JSON Schemas, as Zulip
checks its events: a frame of an unknown type, or with a renamed, missing or extra field, fails
the test that received it. Messages and spaces inside frames are checked against the OpenAPI
document's components (the same registry as ``rest_contract``).
"""

import json
from typing import Any

from channels.testing import WebsocketCommunicator
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from websockets.asyncio.client import ClientConnection

from discussions.frame_schemas import SPACE_SOCKET_FRAMES
from tests.rest_contract import ContractViolation, rest_contract


def check_frame(frame: Any, schemas: dict[str, dict[str, Any]] = SPACE_SOCKET_FRAMES) -> None:
    """Raises ``ContractViolation`` unless ``frame`` is one of the socket's frames, as specified."""
    frame_type = frame.get("type") if isinstance(frame, dict) else None
    schema = schemas.get(frame_type) if isinstance(frame_type, str) else None
    if schema is None:
        raise ContractViolation(f"a frame of no known type: {json.dumps(frame)[:500]}")
    error = best_match(Draft202012Validator(schema, registry=rest_contract().registry).iter_errors(frame))
    if error is not None:
        location = "/".join(str(part) for part in error.absolute_path) or "(the frame)"
        detail = f"{frame_type} frame: at {location}: {error.message}\nframe: {json.dumps(frame)[:2000]}"
        raise ContractViolation(detail)


class CheckedCommunicator(WebsocketCommunicator):
    """``WebsocketCommunicator`` whose every received text frame is checked."""

    async def receive_from(self, timeout: float = 1) -> Any:
        data = await super().receive_from(timeout)
        if isinstance(data, str):
            check_frame(json.loads(data))
        return data


class CheckedConnection(ClientConnection):
    """The ``websockets`` client connection of the end-to-end tests, every received frame checked."""

    async def recv(self, decode: bool | None = None) -> Any:
        data = await super().recv(decode)
        if isinstance(data, str):
            check_frame(json.loads(data))
        return data
