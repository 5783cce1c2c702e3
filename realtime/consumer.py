"""The base of every socket that follows one stream: thin, over services and the fan-out.

A subclass says which stream a user may follow and with what role (``open_stream``), what a
(re)connecting socket is told and replayed (``start_stream``), and what each typed client frame
does (``on_frame``). Everything else is here, once: authentication from the scope, close codes,
joining the process's feed *before* reading the replay (so nothing falls between), ``?after=``,
size limits, typed parsing of client frames, and ``error`` frames.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from hub.errors import DATABASE_UNAVAILABLE_ERRORS, ErrorCode, HubError, database_unavailable
from hub.frames import FrameParser, dumps, parse_frame
from realtime.codes import CloseCode
from realtime.fanout import ProcessFanout, process_fanout
from realtime.frames import history_truncated_frame
from realtime.streams import stream_group
from realtime.subscriber import Subscriber
from realtime.wire import Outgoing, raw_writer_for, release_handshake

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamOpening:
    """Who the socket follows, as what. ``context`` is the subclass's own (e.g. the access it checked)."""

    stream_id: int
    role: str
    context: Any = None


@dataclass(frozen=True)
class StreamStart:
    """What a socket is sent on accept: ``hello``, then ``replay`` (seq, encoded frame) ascending;
    ``truncated_from`` when more were missing than the replay limit; ``last_seq`` is where live
    frames take over. A replayed frame may be an ``Outgoing`` (``realtime.wire``) shared with other
    sockets, as the fan-out's replay cache gives them: it is framed once for all of them."""

    hello: Mapping[str, Any]
    last_seq: int
    replay: Sequence[tuple[int, str | Outgoing]] = field(default_factory=list)
    truncated_from: int | None = None


class StreamConsumer(AsyncWebsocketConsumer):
    """Subclasses set ``stream_kind`` and ``client_frames`` and implement the three hooks."""

    # No channel per socket: events reach sockets through the process's fan-out. Channels reads a
    # None alias as "no layer"; its stubs allow only a layer's name.
    channel_layer_alias = None  # type: ignore[assignment]

    stream_kind: ClassVar[str]
    client_frames: ClassVar[FrameParser]
    max_frame_bytes: ClassVar[int] = 64 * 1024

    subscriber: Subscriber | None = None
    group: str = ""
    fanout: ProcessFanout

    async def open_stream(self, user: AbstractBaseUser) -> StreamOpening:
        """The stream this socket follows; raises ``HubError`` (404 → 4404, else 4403) to refuse it."""
        raise NotImplementedError

    async def start_stream(self, opening: StreamOpening, after: int | None) -> StreamStart:
        """Called once the socket is in its stream's feed: what it is sent before live frames."""
        raise NotImplementedError

    async def on_frame(self, frame: Any) -> None:
        """One parsed client frame (an instance of a ``client_frames`` dataclass)."""
        raise NotImplementedError

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Channels' AsyncConsumer.__call__ wraps every receive() in a task of its own and waits on
        # it with asyncio.wait, so that a channel layer's messages can interleave; stream sockets
        # have no layer channel (events come through the fan-out), and that task, its context and
        # waiter were a few KiB of every idle socket. Messages are still dispatched one at a time.
        self.scope = scope
        self.channel_layer = None  # type: ignore[assignment]  # (as channel_layer_alias says)
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def connect(self) -> None:
        # Accept first: a close code can only be sent on an accepted socket.
        await self.accept()
        release_handshake(self.base_send)
        try:
            await self._open()
        except DATABASE_UNAVAILABLE_ERRORS:
            # Closed, never left waiting: the client reconnects later with ?after= (disconnect
            # detaches it from the feed if it got that far).
            logger.warning("socket handshake: the database is unavailable", exc_info=True)
            await self.close(code=CloseCode.TRY_AGAIN_LATER)

    async def _open(self) -> None:
        user = self.scope["user"]
        if user is None or not user.is_authenticated:
            await self.close(code=CloseCode.UNAUTHENTICATED)
            return
        after, after_error = _after_param(self.scope.get("query_string", b""))
        try:
            # Checked before joining the feed, so that outsiders never get a single event.
            opening = await self.open_stream(user)
        except HubError as error:
            await self.close(code=CloseCode.NOT_FOUND if error.status == 404 else CloseCode.FORBIDDEN)
            return
        self.group = stream_group(self.stream_kind, opening.stream_id)
        self.fanout = process_fanout()
        self.subscriber = Subscriber(
            user_id=user.pk,
            username=user.username,
            role=opening.role,
            send=self._send_text,
            close=self._close_with,
            queue_max=settings.REALTIME_SEND_QUEUE_MAX,
            raw=raw_writer_for(self.base_send),
            credential=credential if isinstance(credential := self.scope.get("credential"), str) else None,
        )
        # Join the live feed first (buffering), then read what was missed: nothing falls between.
        await self.fanout.attach(self.group, self.subscriber)
        start = await self.start_stream(opening, after)
        # Everything the socket is sent on accept goes out in one write.
        frames = [Outgoing(dumps(start.hello))]
        if after_error is not None:
            frames.append(Outgoing(dumps(after_error.as_frame())))
        frames.extend(frame if isinstance(frame, Outgoing) else Outgoing(frame) for _seq, frame in start.replay)
        if start.truncated_from is not None:
            frames.append(Outgoing(dumps(history_truncated_frame(start.truncated_from))))
        self.subscriber.send_all(frames)
        last_replayed = start.replay[-1][0] if start.replay else 0
        self.subscriber.finish_replay(max(start.last_seq, last_replayed))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels 4.3 runs close_old_connections on the database thread before every frame, a
        # hop that every ping and typing frame would wait in line for. Each database call of a
        # stream socket goes through hub.db.database_sync_to_async, which looks after its
        # connection itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        if self.subscriber is not None:
            await self.fanout.detach(self.group, self.subscriber)
            self.subscriber = None

    async def _send_text(self, text: str) -> None:
        # Straight to the ASGI server: this runs once per recipient of every event.
        # asgiref's types require both "text" and "bytes"; the ASGI spec wants exactly one, and
        # Channels' test client checks that.
        await self.base_send({"type": "websocket.send", "text": text})  # type: ignore[arg-type]

    async def _close_with(self, code: int) -> None:
        await self.close(code=code)

    def send_frame(self, frame: Mapping[str, Any]) -> None:
        """A frame for this socket alone, in order with everything else it is sent."""
        if self.subscriber is not None:
            self.subscriber.send_now(dumps(frame))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.subscriber is None:
            return
        raw: dict[str, Any] = {}
        try:
            raw = parse_frame(text_data, bytes_data, max_bytes=self.max_frame_bytes)
            await self.on_frame(self.client_frames.parse(raw))
        except (HubError, *DATABASE_UNAVAILABLE_ERRORS) as error:
            # The database away: this frame is refused and the socket stays open (live frames go on).
            refusal = error if isinstance(error, HubError) else database_unavailable()
            client_id = raw.get("client_id")
            self.send_frame(refusal.as_frame(client_id=client_id if isinstance(client_id, str) else None))


def _after_param(query_string: bytes) -> tuple[int | None, HubError | None]:
    values = parse_qs(query_string.decode("latin1")).get("after")
    if not values:
        return None, None
    try:
        after = int(values[0])
    except ValueError:
        after = -1
    if after < 0:
        return None, HubError(ErrorCode.INVALID_FRAME, _("after must be a non-negative integer; nothing was replayed."))
    return after, None
