"""Publishing envelopes to every server process, after the transaction that caused them commits.

The channel layer is only a doorbell: it is at-most-once, so everything a client must not miss
is in the database and is re-read by ``seq`` when a gap shows (see ``feed.StreamFeed``). That is
also why a server's database thread does not wait for Redis: it queues the envelope on its event
loop, which sends the queue in order; an envelope still queued when the process dies is found by
the next reader of that stream through its seq.
"""

import asyncio
import logging
import os
import weakref
from functools import partial
from typing import Any, cast

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from realtime.envelopes import Envelope

logger = logging.getLogger(__name__)

PUBLISH_QUEUE_MAX = 10_000


def publish_on_commit(envelope: Envelope) -> None:
    """Send ``envelope`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(_send, envelope))


def _send(envelope: Envelope) -> None:
    loop = _calling_event_loop()
    if loop is not None:
        # A database thread of a server process: hand the envelope to the loop and go on. Waiting
        # for Redis here would hold the thread that all of the process's database work shares.
        loop.call_soon_threadsafe(_publish_from_loop, envelope)
        return
    try:
        async_to_sync(_layer().group_send)(envelope["stream"], _message(envelope))
    except Exception:
        # The change is committed; sockets will see a gap in seq and re-read it, or reconnect.
        logger.exception("could not publish an event", extra={"stream": envelope["stream"]})


def _calling_event_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop whose ``sync_to_async`` call this thread is serving, if any."""
    local = SyncToAsync.threadlocal
    loop: asyncio.AbstractEventLoop | None = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid() or not loop.is_running():
        return None
    return loop


def _layer() -> BaseChannelLayer:
    layer = get_channel_layer()
    if layer is None:  # config/settings.py always configures the default layer
        raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer")
    return layer


def _message(envelope: Envelope) -> dict[str, Any]:
    # An Envelope is a plain dict at run time; mypy does not let a TypedDict pass as the
    # dict[str, Any] that the layer's stubs ask for (the callee could add keys it does not declare).
    return cast(dict[str, Any], envelope)


class _Publisher:
    """One event loop's queue of envelopes handed over by database threads, sent in commit order."""

    def __init__(self) -> None:
        # Bounded: while Redis is away writes still commit, and their envelopes must not pile up.
        self._queue: asyncio.Queue[Envelope] = asyncio.Queue(maxsize=PUBLISH_QUEUE_MAX)
        self._task = asyncio.get_running_loop().create_task(self._run())

    def put(self, envelope: Envelope) -> None:
        try:
            self._queue.put_nowait(envelope)
        except asyncio.QueueFull:
            logger.warning("publish queue full, dropping an event", extra={"stream": envelope["stream"]})

    async def _run(self) -> None:
        while True:
            await apublish(await self._queue.get())


_publishers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher]" = weakref.WeakKeyDictionary()


def _publish_from_loop(envelope: Envelope) -> None:
    loop = asyncio.get_running_loop()
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = _Publisher()
    publisher.put(envelope)


async def apublish(envelope: Envelope) -> None:
    """For ephemeral events sent from async code (typing, presence): nothing to commit first."""
    try:
        await _layer().group_send(envelope["stream"], _message(envelope))
    except Exception:
        logger.exception("could not publish an event", extra={"stream": envelope["stream"]})
