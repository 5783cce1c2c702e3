"""Reading client frames on any Hub socket: one JSON object within a size limit, then a typed frame.

Each socket declares its client frames as frozen dataclasses, one per ``type``; ``FrameParser``
turns a decoded frame into one of them or refuses it with ``invalid_frame``, so that no service
ever sees a value of the wrong type. Field annotations say what a frame carries: ``str``,
``int`` (booleans are not integers here), ``bool``, or ``X | None`` with a default (optional).
``field(metadata={"min_length": 1, "max_length": 64})`` bounds a string, ``{"min": 0}`` an integer.
Unknown fields are ignored, so that clients may send more than a server understands.
"""

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

import orjson
from django.utils.translation import gettext as _

from hub.errors import ErrorCode, HubError


def parse_frame(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict[str, Any]:
    raw = text_data.encode() if text_data is not None else bytes_data or b""
    if len(raw) > max_bytes:
        raise HubError(ErrorCode.TOO_LARGE, _("A frame may be at most %(n)d bytes.") % {"n": max_bytes})
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise HubError(ErrorCode.INVALID_FRAME, _("A frame must be a JSON object.")) from error
    if not isinstance(frame, dict):
        raise HubError(ErrorCode.INVALID_FRAME, _("A frame must be a JSON object."))
    return frame


def dumps(frame: Mapping[str, Any]) -> str:
    return orjson.dumps(frame).decode()


@dataclasses.dataclass(frozen=True)
class _FieldRule:
    name: str
    kind: type[Any]  # str, int or bool
    required: bool
    min_length: int | None
    max_length: int | None
    minimum: int | None


def _rules_of(frame_class: type) -> tuple[_FieldRule, ...]:
    hints = typing.get_type_hints(frame_class)
    rules = []
    for field in dataclasses.fields(frame_class):
        hint = hints[field.name]
        optional = False
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            members = [member for member in typing.get_args(hint) if member is not type(None)]
            if len(members) != 1:
                raise TypeError(f"{frame_class.__name__}.{field.name}: one type, optionally | None")
            hint, optional = members[0], True
        if hint not in (str, int, bool):
            raise TypeError(f"{frame_class.__name__}.{field.name}: str, int or bool")
        has_default = field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        rules.append(
            _FieldRule(
                name=field.name,
                kind=hint,
                required=not has_default,
                min_length=field.metadata.get("min_length"),
                max_length=field.metadata.get("max_length"),
                minimum=field.metadata.get("min"),
            )
        )
        if optional and not has_default:
            raise TypeError(f"{frame_class.__name__}.{field.name}: an optional field needs a default")
    return tuple(rules)


class FrameParser:
    """The client frames of one socket, by ``type``."""

    def __init__(self, frames: Mapping[str, type]) -> None:
        self._frames = {frame_type: (frame_class, _rules_of(frame_class)) for frame_type, frame_class in frames.items()}

    @property
    def types(self) -> list[str]:
        return list(self._frames)

    def parse(self, raw: Mapping[str, Any]) -> Any:
        """The typed frame; raises ``HubError(invalid_frame)`` saying what is wrong."""
        frame_type = raw.get("type")
        if not isinstance(frame_type, str) or (found := self._frames.get(frame_type)) is None:
            raise HubError(ErrorCode.INVALID_FRAME, _("Unknown frame type."))
        frame_class, rules = found
        values = {}
        for rule in rules:
            value = raw.get(rule.name)
            if value is None:
                if rule.required:
                    raise HubError(
                        ErrorCode.INVALID_FRAME,
                        _("%(type)s needs %(field)s.") % {"type": frame_type, "field": rule.name},
                    )
                continue
            values[rule.name] = _checked(frame_type, rule, value)
        return frame_class(**values)


def _checked(frame_type: str, rule: _FieldRule, value: Any) -> Any:
    wrong = (
        not isinstance(value, rule.kind)
        or (rule.kind is int and isinstance(value, bool))
        or (rule.minimum is not None and value < rule.minimum)
        or (rule.min_length is not None and len(value) < rule.min_length)
        or (rule.max_length is not None and len(value) > rule.max_length)
    )
    if not wrong:
        return value
    if rule.kind is str and (rule.min_length is not None or rule.max_length is not None):
        detail = _("%(field)s must be a string of %(min)d to %(max)d characters.") % {
            "field": rule.name,
            "min": rule.min_length or 0,
            "max": rule.max_length or 0,
        }
    elif rule.kind is int:
        detail = _("%(field)s must be an integer of at least %(min)d.") % {"field": rule.name, "min": rule.minimum or 0}
        if rule.minimum is None:
            detail = _("%(field)s must be an integer.") % {"field": rule.name}
    else:
        detail = _("%(field)s must be a %(kind)s.") % {"field": rule.name, "kind": rule.kind.__name__}
    raise HubError(ErrorCode.INVALID_FRAME, detail)
