"""The Hub's pages and read operations, found by walking the URL resolver and the OpenAPI document
(never listed by hand: what lands later is walked too), with path parameters filled by name from
the hostile world."""

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests.rest_contract import openapi_document
from tests.security.hostile_world import CHAT_SLUG, OBJECTIVE, HostileWorld

# Not pages: the API (JSON), the admin (Django's own), the JavaScript catalog, probes and feeds.
NOT_PAGES = ("api/", "admin/", "i18n/", "healthz", "calendar/")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_OPENAPI_PARAMETER = re.compile(r"\{(\w+)\}")


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def parameter_values(world: HostileWorld) -> dict[str, Any]:
    return {
        "slug": CHAT_SLUG,
        "key": OBJECTIVE,
        "expert_id": world.experts[0].pk,
        "resource_id": world.resources[0].pk,
        "event_id": world.events[0].pk,
        "notification_id": world.viewer.notifications.values_list("pk", flat=True)[0],
        "username": world.viewer.username,
        "token": "not-a-real-token",
    }


def page_paths(world: HostileWorld) -> list[str]:
    values = parameter_values(world)
    paths = []
    for pattern, _entry in _patterns(get_resolver()):
        if pattern.startswith(NOT_PAGES) or "(?P" in pattern:
            continue
        paths.append("/" + _CONVERTER.sub(lambda match: str(values.get(match.group(2), 1)), pattern))
    return sorted(set(paths))


def api_read_paths(world: HostileWorld) -> list[str]:
    """Every GET operation of the OpenAPI document."""
    values = parameter_values(world)
    return sorted(
        _OPENAPI_PARAMETER.sub(lambda match: str(values.get(match.group(1), 1)), path)
        for path, item in openapi_document()["paths"].items()
        if "get" in item
    )
