"""One socket's place in a stream: its bounded outgoing queue and the task that writes it.

A socket that cannot keep up never stalls the others: frames wait in its own queue, drained by
its own writer task, and when the queue is full the socket is closed with ``CloseCode.RESYNC``
and resumes from its last seq like any reconnecting client. Server memory per socket is bounded
by ``queue_max`` frames.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from realtime.codes import CloseCode
from realtime.wire import FrameWriter, Outgoing

logger = logging.getLogger(__name__)

_background: set[asyncio.Task[None]] = set()


class Batch:
    """Frames going to the same sockets in one flush, with their seq range and joined wire bytes."""

    __slots__ = ("_frames", "first_seq", "items", "last_seq")

    def __init__(self, items: list[tuple[int | None, Outgoing]]) -> None:
        self.items = items
        seqs = [seq for seq, _outgoing in items if seq is not None]
        self.first_seq = seqs[0] if seqs else None
        self.last_seq = seqs[-1] if seqs else None
        self._frames: bytes | None = None

    @property
    def frames(self) -> bytes:
        if self._frames is None:
            self._frames = b"".join(outgoing.frame for _seq, outgoing in self.items)
        return self._frames


class Subscriber:
    """One socket following one stream.

    Until ``finish_replay`` the socket is catching up from the database, and live events are
    buffered; afterwards every item with a seq it has already sent is dropped, so a resuming
    client gets no gap and no duplicate.

    With a ``raw`` writer (see ``wire``), a frame goes straight onto the socket's transport when
    nothing is queued ahead of it and the server is not holding writes back; otherwise it waits in
    the bounded queue for the writer task.

    ``role`` may change while the socket is open (a demotion): frames meant for a role are
    filtered on it at each flush. ``credential`` names what the socket authenticated with, so
    that revoking it closes the socket.
    """

    def __init__(
        self,
        *,
        user_id: int,
        username: str,
        role: str,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int], Coroutine[Any, Any, None]],
        queue_max: int,
        raw: FrameWriter | None = None,
        credential: str | None = None,
    ) -> None:
        self.user_id = user_id
        self.username = username
        self.role = role
        self.credential = credential
        self._send = send
        self._close = close
        self._raw = raw
        # The queue, its event and the writer task are made when a frame first has to wait: most
        # sockets write every frame at once and never need them (they were a few KiB of every
        # idle socket's memory).
        self._queue: deque[Outgoing] | None = None
        self._ready: asyncio.Event | None = None
        self._buffer: list[tuple[int | None, Outgoing]] | None = []
        self._queue_max = queue_max
        self.last_seq = 0
        self.closed = False
        self._writer: asyncio.Task[None] | None = None

    def send_now(self, text: str) -> None:
        """Queue a frame for this socket alone (hello, replay, answers to its own frames)."""
        self._enqueue(Outgoing(text))

    def send_all(self, frames: list[Outgoing]) -> None:
        """Frames for this socket alone, in order: one write when nothing is queued ahead of them
        (a resumer's hello and replay)."""
        raw = self._raw
        if self.closed or raw is None or self._queue or not raw.writable_now() or len(frames) < 2:
            for outgoing in frames:
                self._enqueue(outgoing)
            return
        if raw.open:
            raw.write(b"".join(outgoing.frame for outgoing in frames))

    def offer(self, seq: int | None, outgoing: Outgoing) -> None:
        """A frame from the feed, shared with the other subscribers."""
        if self._buffer is not None:
            if len(self._buffer) >= self._queue_max:
                self.close(CloseCode.RESYNC)
            else:
                self._buffer.append((seq, outgoing))
            return
        self._offer_live(seq, outgoing)

    def offer_batch(self, batch: Batch) -> None:
        """Frames from one flush of the feed: written together when the socket is simply live."""
        raw = self._raw
        if (
            self.closed
            or raw is None
            or self._buffer is not None
            or self._queue
            or (batch.first_seq is not None and batch.first_seq <= self.last_seq)
            or not raw.writable_now()
        ):
            for seq, outgoing in batch.items:
                self.offer(seq, outgoing)
            return
        if batch.last_seq is not None:
            self.last_seq = batch.last_seq
        if raw.open:
            raw.write(batch.frames)

    def finish_replay(self, last_replayed_seq: int) -> None:
        self.last_seq = max(self.last_seq, last_replayed_seq)
        buffered, self._buffer = self._buffer or [], None
        for seq, outgoing in buffered:
            self._offer_live(seq, outgoing)

    @property
    def queued(self) -> int:
        """Frames waiting for this socket (buffered during replay, or queued for the writer)."""
        return len(self._queue or ()) + len(self._buffer or ())

    def _offer_live(self, seq: int | None, outgoing: Outgoing) -> None:
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        self._enqueue(outgoing)

    def _enqueue(self, outgoing: Outgoing) -> None:
        if self.closed:
            return
        raw = self._raw
        if raw is not None and not self._queue and raw.writable_now():
            if raw.open:
                raw.write(outgoing.frame)
            return
        if self._queue is None or self._ready is None:
            self._queue, self._ready = deque(), asyncio.Event()
            self._writer = asyncio.get_running_loop().create_task(self._write_loop(self._queue, self._ready))
        if len(self._queue) >= self._queue_max:
            logger.info("socket too slow, closing it to resync", extra={"user_id": self.user_id})
            self.close(CloseCode.RESYNC)
            return
        self._queue.append(outgoing)
        self._ready.set()

    def close(self, code: int) -> None:
        if self.closed:
            return
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
        if self._queue is not None:
            self._queue.clear()  # nothing more goes to this socket; free what it held
        task = asyncio.get_running_loop().create_task(self._close(int(code)))
        _background.add(task)
        task.add_done_callback(_background.discard)

    def stop(self) -> None:
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
        if self._queue is not None:
            self._queue.clear()

    async def _write_loop(self, queue: deque[Outgoing], ready: asyncio.Event) -> None:
        send, raw = self._send, self._raw
        try:
            while True:
                await ready.wait()
                # Everything queued goes out before the next wait: one wake-up per burst.
                while queue:
                    if raw is None:
                        await send(queue.popleft().text)
                        continue
                    if not raw.writable_now():
                        await raw.wait_writable()
                    if not raw.open:
                        self.closed = True
                        return
                    raw.write(b"".join(outgoing.frame for outgoing in queue))
                    queue.clear()
                ready.clear()
        except asyncio.CancelledError:
            raise
        except Exception:
            # The client went away mid-send; the consumer's disconnect detaches this subscriber.
            self.closed = True
