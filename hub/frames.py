"""Reading client frames on any Hub socket: one JSON object, within a size limit."""

import orjson
from django.utils.translation import gettext as _

from hub.errors import HubError


def parse_frame(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict:
    raw = text_data.encode() if text_data is not None else bytes_data or b""
    if len(raw) > max_bytes:
        raise HubError("too_large", _("A frame may be at most %(n)d bytes.") % {"n": max_bytes})
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise HubError("invalid_frame", _("A frame must be a JSON object.")) from error
    if not isinstance(frame, dict):
        raise HubError("invalid_frame", _("A frame must be a JSON object."))
    return frame


def dumps(frame: dict) -> str:
    return orjson.dumps(frame).decode()
