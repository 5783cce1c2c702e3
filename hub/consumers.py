"""``/ws/health/``: proves the WebSocket path end to end (proxy upgrade, origin check, auth)."""

from collections.abc import Mapping
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from hub.errors import ErrorCode, HubError
from hub.frames import dumps, parse_frame

MAX_FRAME_BYTES = 64 * 1024


class HealthConsumer(AsyncWebsocketConsumer):
    """Says who the socket is authenticated as, and answers ``ping`` with ``pong``.

    Load balancers and smoke tests use it to check that sockets are upgraded and authenticated
    the same way as the Hub's real sockets, without touching any space.
    """

    # It receives no events. Channels reads a None alias as "no layer"; its stubs allow only a name.
    channel_layer_alias = None  # type: ignore[assignment]

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        username = user.get_username() if user is not None and user.is_authenticated else None
        await self.send_frame({"type": "hello", "user": username})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = parse_frame(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
            if frame.get("type") != "ping":
                raise HubError(ErrorCode.INVALID_FRAME, _("Only 'ping' frames are understood here."))
        except HubError as error:
            await self.send_frame(error.as_frame())
            return
        await self.send_frame({"type": "pong"})

    async def send_frame(self, frame: Mapping[str, Any]) -> None:
        await self.send(text_data=dumps(frame))
