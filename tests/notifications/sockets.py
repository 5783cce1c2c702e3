"""Helpers for tests of ``/ws/notifications/``: a connected socket whose every frame is checked
against ``notifications.frame_schemas`` (as ``tests.frame_contract`` checks the space socket's)."""

import json
from typing import Any

from channels.db import database_sync_to_async

from accounts.services import token_for
from config.asgi import application
from notifications.frame_schemas import NOTIFICATION_SOCKET_FRAMES
from tests.frame_contract import CheckedCommunicator, check_frame


class NotificationSocket(CheckedCommunicator):
    unread: dict[str, Any]  # the unread frame it was sent on accept

    async def receive_from(self, timeout: float = 1) -> Any:
        data = await super(CheckedCommunicator, self).receive_from(timeout)
        if isinstance(data, str):
            check_frame(json.loads(data), NOTIFICATION_SOCKET_FRAMES)
        return data


async def _headers(user: Any) -> list[tuple[bytes, bytes]]:
    if user is None:
        return []
    return [(b"authorization", f"Token {await database_sync_to_async(token_for)(user)}".encode())]


async def connect(user: Any) -> NotificationSocket:
    """A connected socket that has read its first frame, ``unread`` (exposed as ``.unread``)."""
    socket = NotificationSocket(application, "/ws/notifications/", headers=await _headers(user))
    connected, _ = await socket.connect()
    assert connected
    socket.unread = await socket.receive_json_from(timeout=5)
    assert socket.unread["type"] == "unread"
    return socket


async def close_code(user: Any) -> int:
    socket = NotificationSocket(application, "/ws/notifications/", headers=await _headers(user))
    connected, code = await socket.connect()
    if not connected:
        assert isinstance(code, int), code
        return code
    output = await socket.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    return int(output["code"])
