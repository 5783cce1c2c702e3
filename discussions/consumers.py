"""The space socket, ``/ws/spaces/{slug}/[?after=SEQ]``: thin, over services and the fan-out."""

import logging
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from discussions.payloads import message_new_frame, typing_frame
from discussions.realtime.fanout import LocalFanout, Subscriber, local_fanout
from discussions.realtime.post_queue import post_queue
from discussions.realtime.publish import apublish, space_event
from discussions.realtime.wire import raw_writer_for
from discussions.services import messages as message_services
from discussions.services.stream import (
    missing_messages,
    revoked_readers,
    socket_access,
    socket_start,
    space_last_seq,
)
from hub.db import database_sync_to_async
from hub.errors import HubError
from hub.frames import dumps, parse_frame

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


_write_posts = database_sync_to_async(message_services.message_post_many)


def _make_fanout() -> LocalFanout:
    return LocalFanout(
        last_seq_of=database_sync_to_async(space_last_seq),
        fetch_missing=database_sync_to_async(missing_messages),
        revoked_readers=database_sync_to_async(revoked_readers),
    )


class SpaceConsumer(AsyncWebsocketConsumer):
    # No channel per socket: events reach sockets through the process's fan-out.
    channel_layer_alias = None

    subscriber: Subscriber | None = None
    space_id: int | None = None

    async def connect(self) -> None:
        # Accept first: a close code can only be sent on an accepted socket.
        await self.accept()
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.slug = self.scope["url_route"]["kwargs"]["slug"]
        after, after_error = _after_param(self.scope.get("query_string", b""))
        try:
            # Checked before joining the feed, so that outsiders never get a single event.
            access = await database_sync_to_async(socket_access)(slug=self.slug, user=user)
        except HubError as error:
            await self.close(code=CLOSE_NOT_FOUND if error.status == 404 else CLOSE_FORBIDDEN)
            return
        self.space_id = access.space.pk
        self.fanout = local_fanout(_make_fanout)
        self.subscriber = Subscriber(
            user_id=user.pk,
            username=user.username,
            role=access.role,
            send=self._send_text,
            close=self._close_with,
            queue_max=settings.DISCUSSION_SEND_QUEUE_MAX,
            raw=raw_writer_for(self.base_send),
        )
        # Join the live feed first (buffering), then read what was missed: nothing falls between.
        await self.fanout.attach(self.space_id, self.subscriber)
        start = await database_sync_to_async(socket_start)(access=access, after=after)
        online = await self.fanout.online(self.space_id)
        hello = {"type": "hello", "space": self.slug, "last_seq": start.last_seq, "role": access.role,
                 "online": online}  # fmt: skip
        self.subscriber.send_now(dumps(hello))
        if after_error is not None:
            self.subscriber.send_now(dumps(after_error.as_frame()))
        for _seq, text in start.replay:
            self.subscriber.send_now(text)
        if start.truncated_from is not None:
            self.subscriber.send_now(dumps({"type": "history.truncated", "from_seq": start.truncated_from}))
        last_replayed = start.replay[-1][0] if start.replay else 0
        self.subscriber.finish_replay(max(start.last_seq, last_replayed))

    async def dispatch(self, message: dict) -> None:
        # Channels 4.3 runs close_old_connections on the database thread before every frame, a
        # hop that every ping and typing frame would wait in line for. Each database call here
        # goes through hub.db.database_sync_to_async, which looks after its connection itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        if self.subscriber is not None:
            await self.fanout.detach(self.space_id, self.subscriber)
            self.subscriber = None

    async def _send_text(self, text: str) -> None:
        # Straight to the ASGI server: this runs once per recipient of every event.
        await self.base_send({"type": "websocket.send", "text": text})

    async def _close_with(self, code: int) -> None:
        await self.close(code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.subscriber is None:
            return
        frame: dict = {}
        try:
            frame = parse_frame(text_data, bytes_data, max_bytes=settings.DISCUSSION_MAX_FRAME_BYTES)
            handler = self._handlers.get(frame.get("type"))
            if handler is None:
                raise HubError("invalid_frame", _("Unknown frame type."))
            await handler(self, frame)
        except HubError as error:
            client_id = frame.get("client_id") if isinstance(frame.get("client_id"), str) else None
            extra = {"client_id": client_id} if client_id else {}
            self.subscriber.send_now(dumps(error.as_frame(**extra)))

    async def _on_send(self, frame: dict) -> None:
        if "client_id" not in frame:
            raise HubError("invalid_frame", _("message.send needs a client_id."))
        request = message_services.PostRequest(
            author=self.scope["user"],
            body=frame.get("body"),
            client_id=frame["client_id"],
            topic=frame.get("topic"),
            reply_to=frame.get("reply_to"),
        )
        result = await post_queue(self.slug, _write_posts).post(request)
        if not result.created:
            # A resend: answer the sender alone with the stored original.
            self.subscriber.send_now(dumps(message_new_frame(result.message, space_slug=self.slug)))

    async def _on_edit(self, frame: dict) -> None:
        await database_sync_to_async(_edit)(self.slug, self.scope["user"], frame.get("seq"), frame.get("body"))

    async def _on_delete(self, frame: dict) -> None:
        await database_sync_to_async(_delete)(self.slug, self.scope["user"], frame.get("seq"))

    async def _on_reaction(self, frame: dict) -> None:
        present = frame["type"] == "reaction.add"
        await database_sync_to_async(_react)(
            self.slug, self.scope["user"], frame.get("seq"), frame.get("emoji"), present
        )

    async def _on_typing(self, frame: dict) -> None:
        if self.subscriber.role == "visitor":
            raise HubError("not_member", _("Join the space first."))
        user = self.scope["user"]
        if await self.fanout.typing_allowed(self.space_id, user.pk):
            await apublish(space_event(self.space_id, typing_frame(user.username), exclude_user_id=user.pk))

    async def _on_read(self, frame: dict) -> None:
        await database_sync_to_async(message_services.read_mark)(
            slug=self.slug, user=self.scope["user"], seq=frame.get("seq")
        )

    async def _on_ping(self, frame: dict) -> None:
        self.subscriber.send_now(dumps({"type": "pong"}))

    _handlers = {
        "message.send": _on_send,
        "message.edit": _on_edit,
        "message.delete": _on_delete,
        "reaction.add": _on_reaction,
        "reaction.remove": _on_reaction,
        "typing": _on_typing,
        "read": _on_read,
        "ping": _on_ping,
    }


def _edit(slug: str, user, seq: object, body: object) -> None:
    message_services.message_edit(
        message_id=message_services.message_by_seq_id(slug=slug, seq=seq), user=user, body=body
    )


def _delete(slug: str, user, seq: object) -> None:
    message_services.message_delete(message_id=message_services.message_by_seq_id(slug=slug, seq=seq), user=user)


def _react(slug: str, user, seq: object, emoji: object, present: bool) -> None:
    message_id = message_services.message_by_seq_id(slug=slug, seq=seq)
    message_services.reaction_set(message_id=message_id, user=user, emoji=emoji, present=present)


def _after_param(query_string: bytes) -> tuple[int | None, HubError | None]:
    values = parse_qs(query_string.decode("latin1")).get("after")
    if not values:
        return None, None
    try:
        after = int(values[0])
    except ValueError:
        after = -1
    if after < 0:
        return None, HubError("invalid_frame", _("after must be a non-negative integer; nothing was replayed."))
    return after, None
