"""The OpenAPI document's conventions, the same for every app: tags, operation ids and error responses.

``HubAutoSchema`` is drf-spectacular's ``DEFAULT_SCHEMA_CLASS``. It tags each operation with the
app its view belongs to (so a new app's endpoints get their own tag and nothing has to be
declared), names operations ``<path>_<action>`` without the ``/api/v1`` prefix
(``countries_list``; ``extend_schema(operation_id=...)`` where that reads badly: ``space_join``),
and documents the error responses in the contract's shapes (``Error``, ``ValidationError``):

- 400 when the operation takes a body or query parameters other than ``page``;
- 401 when the view authenticates at all (a missing token where one is needed, or a bad or
  revoked one anywhere: DRF refuses a wrong token even where anonymous callers are welcome);
- 403 when a permission class other than the plain authentication ones guards the view;
- 404 when the path has parameters, or the list is paged (a page past the end);
- 429, with ``Retry-After``, when the view has throttles;
- 503, with ``Retry-After``, everywhere: the database could not be reached (``hub.errors``).

What only the services know (a 409 on a duplicate, a 413 on an overlong body, a 403 for a
non-moderator, a 429 from a rate limit counted in the database) a view method declares with
``@api_errors(403, 409)``. Requests are JSON only (``DEFAULT_PARSER_CLASSES``).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry, ResolvedComponent
from rest_framework import permissions

ERROR_DESCRIPTIONS = {
    400: "Invalid input: per-field messages (`ValidationError`), or a refusal with a `code` (`Error`).",
    401: "Not authenticated: no credentials where they are needed, or a token that is wrong or revoked.",
    403: "Forbidden: authenticated, but not allowed to do this.",
    404: "Not found (a private space the caller is not in is not found either).",
    409: "Conflict with the current state.",
    413: "Too large.",
    429: "Rate limited: try again after `Retry-After` seconds.",
    503: "The database is unavailable (`database_unavailable`): try again after `Retry-After` seconds.",
}
ERROR_STATUSES = tuple(ERROR_DESCRIPTIONS)

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error but per-field validation: `code` is stable and machine-readable, "
    "`detail` is for people (in the caller's language).",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Per-field messages, DRF's shape: `{field: [message, ...]}` (`non_field_errors` for the "
    "whole body; a list's or a nested object's field maps positions or names to messages).",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object", "additionalProperties": {}}]
    },
}
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 1},
    "required": True,
}
# The permission classes that only ask for authentication (a refusal by them is a 401).
_AUTHENTICATION_ONLY = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)
_PAGING_PARAMETERS = {"page", "page_size"}

Method = TypeVar("Method", bound=Callable[..., Any])


def api_errors(*statuses: int) -> Callable[[Method], Method]:
    """Declares error statuses a view method can answer beyond those ``HubAutoSchema`` derives.

    Put it on the method (``post``, ``patch``...), above or below ``extend_schema``.
    """
    unknown = set(statuses) - set(ERROR_STATUSES)
    if unknown:
        raise ValueError(f"no error response is defined for {sorted(unknown)}")

    def declare(method: Method) -> Method:
        method.api_errors = (*getattr(method, "api_errors", ()), *statuses)  # type: ignore[attr-defined]
        return method

    return declare


class HubAutoSchema(AutoSchema):
    method_mapping = {"get": "retrieve", "post": "create", "put": "replace", "patch": "update", "delete": "delete"}

    def get_tags(self) -> list[str]:
        config = apps.get_containing_app_config(type(self.view).__module__)
        if config is None:
            return super().get_tags()
        return [config.label]

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in sorted(self._error_statuses(operation)):
            responses.setdefault(str(status), self._error_response(status))
        for retried in ("429", "503"):
            if retried in responses:
                responses[retried].setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> set[int]:
        view = self.view
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        statuses = {503, *getattr(getattr(view, self.method.lower(), None), "api_errors", ())}
        if "requestBody" in operation or query - _PAGING_PARAMETERS:
            statuses.add(400)
        if view.get_authenticators():
            statuses.add(401)
        if any(not isinstance(permission, _AUTHENTICATION_ONLY) for permission in view.get_permissions()):
            statuses.add(403)
        if "{" in self.path or query & _PAGING_PARAMETERS:
            statuses.add(404)
        if view.get_throttles():
            statuses.add(429)
        return statuses

    def _error_response(self, status: int) -> dict[str, Any]:
        error = self._component("Error", ERROR_SCHEMA)
        schema: dict[str, Any]
        if status == 400:
            # Error first: generated clients try the alternatives in order, and an Error has required fields.
            schema = {"oneOf": [error, self._component("ValidationError", VALIDATION_ERROR_SCHEMA)]}
        else:
            schema = error
        return {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": schema}}}

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref
