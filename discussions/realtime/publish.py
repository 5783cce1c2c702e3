"""Publishing space events to every server process, after the transaction that caused them commits.

The channel layer is only a doorbell: it is at-most-once, so everything a client must not miss
is in the database and is re-read by ``seq`` when a gap shows (see ``fanout.SpaceFeed``).
Each frame is encoded once, here; processes and sockets pass the text on untouched.
"""

import logging
from functools import partial
from typing import Any

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_TYPE = "space.event"
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
    try:
        async_to_sync(get_channel_layer().group_send)(space_group(event["space"]), event)
    except Exception:
        # The change is committed; sockets will see a gap in seq and re-read it, or reconnect.
        logger.exception("could not publish a space event", extra={"space_id": event["space"]})


async def apublish(event: dict[str, Any]) -> None:
    """For ephemeral events sent from async code (typing, presence): nothing to commit first."""
    try:
        await get_channel_layer().group_send(space_group(event["space"]), event)
    except Exception:
        logger.exception("could not publish a space event", extra={"space_id": event["space"]})
