"""Writes from one server process's sockets to one stream, a batch at a time.

Each write waits for its own outcome. What batching changes is how writes reach the database:
while one batch for a stream is being written, the writes that arrive for it wait, and all of
them go in the next call of ``write`` (one transaction). A quiet stream writes each alone, at
once; a busy one pays for its lock, its checks and its commit once per batch instead of once per
item, so the writes a process can take per second grow with the load instead of queueing behind
one another on the process's one database thread (Channels' ``database_sync_to_async`` is
thread-sensitive). Discussions use it for posts (``message_post_many``).
"""

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from hub.errors import HubError

Request = TypeVar("Request")
Result = TypeVar("Result")

# (requests) -> one outcome per request, in order: its result, or the HubError that refused it alone.
WriteBatch = Callable[[list[Request]], Awaitable[list[Result | HubError]]]


class StreamWriteBatcher(Generic[Request, Result]):
    """The writes of this process's sockets to one stream."""

    def __init__(self, write: "WriteBatch[Request, Result]", batch_max: int, release_max: int | None = None) -> None:
        self._write = write
        self._batch_max = batch_max
        # The most waiters woken in one turn of the event loop (None: all of a batch at once).
        self._release_max = release_max
        self._waiting: list[tuple[Request, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, request: Request) -> Result:
        """The outcome of ``request``; raises its ``HubError``."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._batch_max], self._waiting[self._batch_max :]
            try:
                outcomes = await self._write([request for request, _future in batch])
            except Exception as error:  # the database is away: every write of the batch fails alike
                for _request, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for index, ((_request, future), outcome) in enumerate(zip(batch, outcomes, strict=True)):
                if index and self._release_max and index % self._release_max == 0:
                    # The woken continue in the next turn; let the loop poll its sockets between
                    # groups of them, so that frames of sockets already open do not wait behind all.
                    await asyncio.sleep(0)
                if future.done():  # its socket went away; the write stands
                    continue
                if isinstance(outcome, HubError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)


_batchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, StreamWriteBatcher[Any, Any]]]" = (
    weakref.WeakKeyDictionary()
)


def write_batcher(
    key: str, write: "WriteBatch[Request, Result]", *, batch_max: int, release_max: int | None = None
) -> StreamWriteBatcher[Request, Result]:
    """This event loop's batcher for ``key`` (a stream), made with ``write`` on first use."""
    batchers = _batchers.setdefault(asyncio.get_running_loop(), {})
    batcher = batchers.get(key)
    if batcher is None:
        batcher = batchers[key] = StreamWriteBatcher(write, batch_max, release_max)
    return batcher
