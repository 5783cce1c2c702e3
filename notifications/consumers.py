"""The notifications socket, ``/ws/notifications/``: thin, over the realtime package.

Each user follows their own stream (``notifications.streams``). On accept the socket is sent
``unread`` (its "hello"); afterwards ``notification.new`` and ``unread`` as ``notifications.live``
publishes them. Anonymous sockets are closed with 4401 by ``StreamConsumer``.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from hub.db import database_sync_to_async
from notifications import payloads, selectors
from notifications.client_frames import NOTIFICATION_CLIENT_FRAMES, Ping
from notifications.streams import OWNER, USER_STREAM
from realtime.consumer import StreamConsumer, StreamOpening, StreamStart
from realtime.frames import pong_frame

_unread_counts = database_sync_to_async(selectors.unread_counts)


class NotificationConsumer(StreamConsumer):
    stream_kind = USER_STREAM
    client_frames = NOTIFICATION_CLIENT_FRAMES

    async def open_stream(self, user: AbstractBaseUser) -> StreamOpening:
        # Nothing to check: every user may follow their own stream, and only their own.
        return StreamOpening(stream_id=user.pk, role=OWNER)

    async def start_stream(self, opening: StreamOpening, after: int | None) -> StreamStart:
        # Read after joining the stream (StreamConsumer.connect): a push racing this read is
        # either counted here or delivered live, never lost between.
        counts = await _unread_counts(opening.stream_id)
        return StreamStart(hello=payloads.unread_frame(counts), last_seq=0)

    async def on_frame(self, frame: Any) -> None:
        match frame:
            case Ping():
                self.send_frame(pong_frame())
