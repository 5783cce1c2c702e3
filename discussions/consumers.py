"""The space socket, ``/ws/spaces/{slug}/[?after=SEQ]``: thin, over services and the realtime package.

A crowd that connects at once shares its database work: the access checks of the sockets that
arrive while one batch is being checked go together in the next (one statement per space), the
last seq comes from the process's feed and the replay from its cache of encoded messages
(``realtime.replay``), and ``hello`` carries the first page of who is online with the count.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from accounts.models import User
from discussions import client_frames as f
from discussions import payloads
from discussions.selectors import sockets
from discussions.services import editing, posting, reactions, read_markers
from discussions.services.access import VISITOR, SpaceAccess
from discussions.streams import SPACE_STREAM, space_envelope
from hub.db import database_sync_to_async
from hub.errors import ErrorCode, HubError
from realtime.admission import admitting
from realtime.consumer import StreamConsumer, StreamOpening, StreamStart
from realtime.fanout import HANDSHAKE_BATCH_MAX, handshake_release_max
from realtime.frames import pong_frame
from realtime.publish import apublish
from realtime.wire import Outgoing
from realtime.write_batches import StreamWriteBatcher, WriteBatch, write_batcher

_socket_access_many = database_sync_to_async(sockets.socket_access_many)
_write_posts = database_sync_to_async(posting.message_post_many)
_edit_by_seq = database_sync_to_async(editing.message_edit_by_seq)
_delete_by_seq = database_sync_to_async(editing.message_delete_by_seq)
_react_by_seq = database_sync_to_async(reactions.reaction_set_by_seq)
_read_mark = database_sync_to_async(read_markers.read_mark)


class SpaceConsumer(StreamConsumer):
    stream_kind = SPACE_STREAM
    client_frames = f.SPACE_CLIENT_FRAMES
    max_frame_bytes = settings.DISCUSSION_MAX_FRAME_BYTES

    slug: str
    space_id: int
    user: User
    _post_batcher: StreamWriteBatcher[posting.PostRequest, posting.PostResult] | None = None

    async def open_stream(self, user: AbstractBaseUser) -> StreamOpening:
        assert isinstance(user, User)  # noqa: S101 (the AUTH_USER_MODEL; connect refused anonymous sockets)
        self.user = user
        self.slug = self.scope["url_route"]["kwargs"]["slug"]
        access = await write_batcher(
            ACCESS_BATCHER, _check_access, batch_max=ACCESS_BATCH_MAX, release_max=handshake_release_max()
        ).submit((self.slug, user))
        self.space_id = access.space.pk
        return StreamOpening(stream_id=access.space.pk, role=access.role, context=access)

    async def start_stream(self, opening: StreamOpening, after: int | None) -> StreamStart:
        access: SpaceAccess = opening.context
        replay: list[tuple[int, Outgoing]] = []
        if after is None:
            last_seq, truncated_from = self.fanout.live_seq(self.group), None
        else:
            last_seq, replay, truncated_from = await self.fanout.replay(
                self.group, after, settings.DISCUSSION_REPLAY_LIMIT
            )
        online = await self.fanout.online_now(self.group)
        admitting()  # still part of a crowd: its full garbage collections wait (realtime.admission)
        hello = payloads.hello_frame(space_slug=self.slug, last_seq=last_seq, role=access.role,
                                     online=online[: payloads.HELLO_ONLINE_PAGE], online_count=len(online))  # fmt: skip
        return StreamStart(hello=hello, last_seq=last_seq, replay=replay, truncated_from=truncated_from)

    async def on_frame(self, frame: Any) -> None:
        user = self.user
        match frame:
            case f.MessageSend():
                await self._send_message(frame)
            case f.MessageEdit(seq=seq, body=body):
                await _edit_by_seq(slug=self.slug, seq=seq, user=user, body=body)
            case f.MessageDelete(seq=seq):
                await _delete_by_seq(slug=self.slug, seq=seq, user=user)
            case f.ReactionAdd(seq=seq, emoji=emoji) | f.ReactionRemove(seq=seq, emoji=emoji):
                present = isinstance(frame, f.ReactionAdd)
                await _react_by_seq(slug=self.slug, seq=seq, user=user, emoji=emoji, present=present)
            case f.Typing():
                await self._typing()
            case f.Read(seq=seq):
                await _read_mark(slug=self.slug, user=user, seq=seq)
            case f.Ping():
                self.send_frame(pong_frame())

    async def _send_message(self, frame: f.MessageSend) -> None:
        request = posting.PostRequest(
            author=self.user, body=frame.body, client_id=frame.client_id, topic=frame.topic,
            reply_to=frame.reply_to,
        )  # fmt: skip
        if self._post_batcher is None:  # looked up once per socket; shared by the process's sockets
            self._post_batcher = write_batcher(
                self.group, _write_many(self.slug), batch_max=settings.DISCUSSION_POST_BATCH_MAX
            )
        result = await self._post_batcher.submit(request)
        if not result.created:
            # A resend: answer the sender alone with the stored original.
            self.send_frame(payloads.message_new_frame(result.message, space_slug=self.slug))

    async def _typing(self) -> None:
        assert self.subscriber is not None  # noqa: S101 (frames arrive only on an open stream)
        if self.subscriber.role == VISITOR:
            raise HubError(ErrorCode.NOT_MEMBER, _("Join the space first."))
        user = self.user
        if await self.fanout.typing_allowed(self.group, user.pk):
            await apublish(space_envelope(self.space_id, payloads.typing_frame(user.username), exclude_user_id=user.pk))


ACCESS_BATCHER = "discussions.socket_access"
ACCESS_BATCH_MAX = HANDSHAKE_BATCH_MAX


async def _check_access(requests: list[tuple[str, User]]) -> list[SpaceAccess | HubError]:
    return await _socket_access_many(requests)


def _write_many(slug: str) -> WriteBatch[posting.PostRequest, posting.PostResult]:
    async def write(requests: list[posting.PostRequest]) -> list[posting.PostResult | HubError]:
        return await _write_posts(slug=slug, requests=requests)

    return write
