"""What every app's REST views share."""

from typing import Any

from rest_framework import serializers


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any, **kwargs: Any) -> dict[str, Any]:
    """``data`` checked by ``serializer_class``: its validated data, or a 400 with per-field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    result: dict[str, Any] = serializer.validated_data
    return result
