import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", headers={"accept": "application/json"})
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def test_schema_documents_every_rest_endpoint(document):
    for path in ("/api/v1/objectives/", "/api/v1/objectives/{key}/", "/api/v1/countries/",
                 "/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/",
                 "/api/v1/spaces/", "/api/v1/spaces/{slug}/messages/", "/api/v1/messages/{message_id}/"):  # fmt: skip
        assert path in document["paths"], path


def test_operations_are_tagged_by_app_and_none_by_version(document):
    tags = {method + " " + path: op.get("tags", []) for method, path, op in operations(document)}
    assert all(len(tag) == 1 for tag in tags.values()), tags
    # The tag is the app's label, so that a new app's endpoints are grouped with no declaration.
    labels = {config.label for config in apps.get_app_configs()}
    assert {"accounts", "gcm", "discussions"} <= {tag[0] for tag in tags.values()} <= labels
    assert tags["post /api/v1/auth/token/"] == ["accounts"]
    assert tags["get /api/v1/objectives/"] == ["gcm"]
    assert tags["post /api/v1/spaces/{slug}/join/"] == ["discussions"]


def test_operation_ids_are_unique_readable_and_unversioned(document):
    ids = [op["operationId"] for _method, _path, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", operation_id) for operation_id in ids), ids
    assert not [operation_id for operation_id in ids if operation_id.startswith("v1")]
    named = {
        ("get", "/api/v1/spaces/"): "spaces_list",
        ("post", "/api/v1/spaces/{slug}/join/"): "space_join",
        ("post", "/api/v1/spaces/{slug}/messages/"): "message_post",
        ("get", "/api/v1/spaces/{slug}/messages/"): "space_messages_list",
        ("patch", "/api/v1/messages/{message_id}/"): "message_edit",
        ("post", "/api/v1/auth/token/"): "auth_token_create",
        ("patch", "/api/v1/me/"): "me_update",
        ("get", "/api/v1/objectives/{key}/"): "objective_retrieve",
    }
    for (method, path), operation_id in named.items():
        assert operation(document, method, path)["operationId"] == operation_id


def test_request_bodies_are_json_only(document):
    bodies = [(method, path, op["requestBody"]) for method, path, op in operations(document) if "requestBody" in op]
    assert len(bodies) > 10
    for method, path, body in bodies:
        assert list(body["content"]) == ["application/json"], (method, path)


def test_every_operation_documents_its_errors_in_the_contract_shape(document):
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail", "code"]
    assert set(schemas["Error"]["properties"]) == {"detail", "code"}
    assert "additionalProperties" in schemas["ValidationError"]
    error = {"$ref": "#/components/schemas/Error"}
    for method, path, op in operations(document):
        errors = {status: response for status, response in op["responses"].items() if status >= "400"}
        for status, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            if status == "400":
                assert schema == {"oneOf": [error, {"$ref": "#/components/schemas/ValidationError"}]}, (method, path)
            else:
                assert schema == error, (method, path, status)
        if "requestBody" in op:
            assert "400" in errors, (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        if op.get("security") and {} not in op["security"]:  # authentication required
            assert "401" in errors, (method, path)
        if "429" in errors:
            assert errors["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
        # Any operation can find the database away (hub.errors.database_unavailable).
        assert errors["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer", (method, path)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/v1/auth/register/", {"201", "400", "401", "429"}),
        ("post", "/api/v1/auth/token/", {"200", "400", "429"}),
        ("get", "/api/v1/me/", {"200", "401"}),
        ("get", "/api/v1/objectives/", {"200", "401"}),
        ("post", "/api/v1/spaces/", {"201", "400", "401", "403", "409"}),
        ("get", "/api/v1/spaces/", {"200", "400", "401", "404"}),
        ("post", "/api/v1/spaces/{slug}/join/", {"200", "401", "403", "404"}),
        ("post", "/api/v1/spaces/{slug}/messages/", {"200", "201", "400", "401", "403", "404", "409", "413", "429"}),
        ("patch", "/api/v1/messages/{message_id}/", {"200", "400", "401", "403", "404", "413"}),
        ("delete", "/api/v1/messages/{message_id}/reactions/{emoji}/", {"200", "400", "401", "403", "404"}),
    ],
)
def test_operations_document_the_errors_their_services_raise(document, method, path, statuses):
    assert set(operation(document, method, path)["responses"]) == statuses | {"503"}  # 503: every operation


def test_api_docs_render_from_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content
