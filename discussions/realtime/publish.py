"""Publishing space events to every server process, after the transaction that caused them commits.

The channel layer is only a doorbell: it is at-most-once, so everything a client must not miss
is in the database and is re-read by ``seq`` when a gap shows (see ``fanout.SpaceFeed``). That
is also why a server's database thread does not wait for Redis: it queues the event on its
event loop, which sends the queue in order; an event still queued when the process dies is
found by the next reader of that space through its seq.
Each frame is encoded once, here; processes and sockets pass the text on untouched.
"""

import asyncio
import logging
import os
import weakref
from functools import partial
from typing import Any

import orjson
from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_TYPE = "space.event"
PUBLISH_QUEUE_MAX = 10_000
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def space_group(space_id: int) -> str:
    return f"discussions.space.{space_id}"


def space_event(
    space_id: int,
    frame: dict[str, Any],
    *,
    seq: int | None = None,
    ref_seq: int | None = None,
    exclude_user_id: int | None = None,
    roles: list[str] | None = None,
) -> dict[str, Any]:
    """The layer message for one frame.

    ``seq``: a new message's seq (the feed orders and gap-fills these). ``ref_seq``: the message
    an update is about (held until that message has gone out). ``roles``: only sockets with
    one of these roles get it. ``exclude_user_id``: everyone but that user's sockets get it.
    """
    return {
        "type": EVENT_TYPE,
        "space": space_id,
        "text": orjson.dumps(frame).decode(),
        "seq": seq,
        "ref_seq": ref_seq,
        "exclude": exclude_user_id,
        "roles": roles,
    }


def close_event(space_id: int, user_id: int, code: int = CLOSE_FORBIDDEN) -> dict[str, Any]:
    """Every process closes ``user_id``'s sockets on the space with ``code``."""
    return {"type": EVENT_TYPE, "space": space_id, "close_user": user_id, "code": code}


def publish_on_commit(event: dict[str, Any]) -> None:
    """Send ``event`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(_send, event))


def _send(event: dict[str, Any]) -> None:
    loop = _calling_event_loop()
    if loop is not None:
        # A database thread of a server process: hand the event to the loop and go on. Waiting
        # for Redis here would hold the thread that all of the process's database work shares.
        loop.call_soon_threadsafe(_publish_from_loop, event)
        return
    try:
        async_to_sync(get_channel_layer().group_send)(space_group(event["space"]), event)
    except Exception:
        # The change is committed; sockets will see a gap in seq and re-read it, or reconnect.
        logger.exception("could not publish a space event", extra={"space_id": event["space"]})


def _calling_event_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop whose ``sync_to_async`` call this thread is serving, if any."""
    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid() or not loop.is_running():
        return None
    return loop


class _Publisher:
    """One event loop's queue of events handed over by database threads, sent in commit order."""

    def __init__(self) -> None:
        # Bounded: while Redis is away posts still commit, and their events must not pile up.
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=PUBLISH_QUEUE_MAX)
        self._task = asyncio.get_running_loop().create_task(self._run())

    def put(self, event: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            logger.warning("publish queue full, dropping an event", extra={"space_id": event["space"]})

    async def _run(self) -> None:
        while True:
            await apublish(await self._queue.get())


_publishers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher]" = weakref.WeakKeyDictionary()


def _publish_from_loop(event: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = _Publisher()
    publisher.put(event)


async def apublish(event: dict[str, Any]) -> None:
    """For ephemeral events sent from async code (typing, presence): nothing to commit first."""
    try:
        await get_channel_layer().group_send(space_group(event["space"]), event)
    except Exception:
        logger.exception("could not publish a space event", extra={"space_id": event["space"]})
