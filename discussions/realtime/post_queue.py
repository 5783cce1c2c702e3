"""Posts from one server process's sockets, written a batch per space at a time.

Each ``message.send`` waits for its own outcome, as before; what changes is how posts reach the
database. While one batch for a space is being written, the posts that arrive for that space
wait, and all of them go in the next transaction (``messages.message_post_many``). A quiet space
writes each post alone, at once; a busy one pays for the space lock, the checks and the commit
once per batch instead of once per message, so the posts a process can take per second grow with
the load instead of queueing behind one another on the process's database thread.
"""

import asyncio
import weakref
from collections.abc import Awaitable, Callable

from django.conf import settings

from discussions.services.messages import PostRequest, PostResult
from hub.errors import HubError

WriteBatch = Callable[..., Awaitable[list[PostResult | HubError]]]


class SpacePostQueue:
    """The posts of this process's sockets to one space."""

    def __init__(self, slug: str, write: WriteBatch, batch_max: int) -> None:
        self.slug = slug
        self._write = write
        self._batch_max = batch_max
        self._waiting: list[tuple[PostRequest, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    async def post(self, request: PostRequest) -> PostResult:
        """The stored message (or the original of a resent ``client_id``); raises its ``HubError``."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((request, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._batch_max], self._waiting[self._batch_max :]
            try:
                outcomes = await self._write(slug=self.slug, requests=[request for request, _future in batch])
            except Exception as error:  # the database is away: every post of the batch fails alike
                for _request, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_request, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # its socket went away; the post stands
                    continue
                if isinstance(outcome, HubError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)


_queues: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, SpacePostQueue]]" = weakref.WeakKeyDictionary()


def post_queue(slug: str, write: WriteBatch) -> SpacePostQueue:
    """This event loop's queue for the space ``slug``."""
    queues = _queues.setdefault(asyncio.get_running_loop(), {})
    queue = queues.get(slug)
    if queue is None:
        queue = queues[slug] = SpacePostQueue(slug, write, settings.DISCUSSION_POST_BATCH_MAX)
    return queue
