"""Every REST response a test receives is checked against the OpenAPI document, as Zulip checks its events.

The operation is found by method and path template, the response by status code; a status the
operation does not document, or a body that does not match its schema, fails the test. Objects
are checked strictly: a field the schema does not name is an error too, so a renamed, missing or
extra field in a payload function (or a stale schema) fails the suite, not an integrator.

``tests/conftest.py`` wires ``check_response`` into every ``APIClient`` of the suite.
"""

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

API_PREFIX = "/api/v1/"
DOCUMENT_URI = "urn:hub:openapi"


class ContractViolation(AssertionError):
    """A response the OpenAPI document does not describe."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


def openapi_document() -> dict[str, Any]:
    """The document ``/api/schema/`` serves, as plain JSON."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return document


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema, made strict.

    ``nullable: true`` becomes "or null"; an object schema that lists its properties and says
    nothing of others gets ``additionalProperties: false``.
    """
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


class RestContract:
    def __init__(self, document: dict[str, Any]):
        self.document = document
        # Only schema objects have ``properties`` or ``nullable``: the rest passes unchanged.
        resource = Resource.from_contents(_as_json_schema(document), default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOCUMENT_URI, resource)
        self.operations: list[Operation] = []
        for template, item in document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            for method, operation in item.items():
                if method in {"get", "post", "put", "patch", "delete"}:
                    self.operations.append(Operation(method.upper(), template, pattern, operation["responses"]))
        # A literal segment wins over a parameter (``/spaces/{slug}/join/`` before ``/spaces/{slug}/{x}/``).
        self.operations.sort(key=lambda operation: operation.template.count("{"))

    def operation_for(self, method: str, path: str) -> Operation | None:
        for operation in self.operations:
            if operation.method == method and operation.pattern.match(path):
                return operation
        return None

    def paths_matching(self, path: str) -> list[str]:
        return [operation.template for operation in self.operations if operation.pattern.match(path)]

    def check(
        self, *, method: str, path: str, request_content_type: str, status: int, content_type: str, body: bytes
    ) -> None:
        """Raises ``ContractViolation`` unless the document describes this response."""
        if not path.startswith(API_PREFIX):
            return
        if status == 415 and not request_content_type.startswith("application/json"):
            return  # the request was not one the document offers: JSON only
        operation = self.operation_for(method, path)
        where = f"{method} {path} → {status}"
        if operation is None:
            # A path or method that is not an operation may only be refused as such.
            if status in (404, 405):
                return
            raise ContractViolation(f"{where}: no operation in the OpenAPI document for this method and path")
        response = operation.responses.get(str(status))
        if response is None:
            raise ContractViolation(
                f"{where}: status {status} is not documented for {method} {operation.template} "
                f"(documented: {', '.join(sorted(operation.responses))})"
            )
        content = response.get("content")
        if not content:
            if body:
                raise ContractViolation(f"{where}: documented without a body, but answered {body[:200]!r}")
            return
        media_type = content_type.split(";")[0].strip()
        if media_type != "application/json" and media_type in content:
            return  # a documented body that is not JSON (text/calendar): its type is what can be checked
        if "application/json" not in content or not content_type.startswith("application/json"):
            raise ContractViolation(f"{where}: answered {content_type!r}, documented {sorted(content)}")
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", operation.template, method.lower(), "responses", str(status), "content",
                         "application/json", "schema")
        )  # fmt: skip
        self._validate({"$ref": f"{DOCUMENT_URI}#/{pointer}"}, json.loads(body), where)

    def _validate(self, schema: dict[str, Any], instance: Any, where: str) -> None:
        validator = Draft202012Validator(schema, registry=self.registry)
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            location = "/".join(str(part) for part in error.absolute_path) or "(the body)"
            raise ContractViolation(f"{where}: at {location}: {error.message}\nbody: {json.dumps(instance)[:2000]}")


@functools.cache
def rest_contract() -> RestContract:
    """Built once per test run: the document does not change while the suite runs."""
    return RestContract(openapi_document())


def check_response(response: Any) -> None:
    """Checks a Django test client response to a REST call against the OpenAPI document."""
    request = response.request
    rest_contract().check(
        method=request["REQUEST_METHOD"].upper(),
        path=request["PATH_INFO"],
        request_content_type=request.get("CONTENT_TYPE", ""),
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=_body(response),
    )


def _body(response: Any) -> bytes:
    """The body; a streamed one (the data export) is read here and handed back to the test as one
    chunk, so that it is checked like any other."""
    if not getattr(response, "streaming", False):
        return response.content
    body = b"".join(response.streaming_content)
    response.streaming_content = [body]
    return body
