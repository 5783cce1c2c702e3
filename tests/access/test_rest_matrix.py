"""The authorization matrix over REST: every operation x every role → the status the table says.

Generated from one table (``tests/access/rest_table.py``) over one world (``tests/access/world.py``).
Each case runs in its own transaction on the same world, so a ban, a deletion or a new space in one
case is gone in the next. Besides the status, every response is searched for the world's secrets
(``world.SECRETS``): a role outside a secret's audience must never receive it, whatever the
endpoint, list or search. A final test fails when an operation of the OpenAPI document has no row,
so a new endpoint cannot arrive without its line in the matrix.
"""

import json

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.access.rest_table import Row, fill, rest_rows
from tests.access.world import ROLES, SECRETS, World, build_world
from tests.rest_contract import openapi_document

pytestmark = pytest.mark.django_db

ROWS = rest_rows()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test runs in
    a savepoint of it (pytest-django's own atomic block), so what a test changes is undone after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


def request(world: World, role: str, row: Row):
    url = fill(row.path, world, row.values)
    client = client_for(world, role)
    body = json.dumps(row.body) if row.body is not None else None
    return client.generic(row.method, url, body or "", content_type="application/json")


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def leaked(role: str, content: bytes) -> list[str]:
    text = content.decode("utf-8", "replace")
    return [secret for secret, audience in SECRETS.items() if role not in audience and secret in text]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_the_status_the_matrix_says(world, row, role, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the rows register a receiver on loopback
    response = request(world, role, row)
    content = content_of(response)
    assert response.status_code == row.expect[role], f"{row.id} as {role}: {response.status_code} {content[:300]!r}"
    assert not leaked(role, content), f"{row.id} as {role} received {leaked(role, content)}"


def test_every_operation_of_the_api_has_a_row():
    document = openapi_document()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = {(row.method, row.operation) for row in ROWS}
    missing = sorted(operations - covered)
    assert not missing, f"operations without a row in tests/access/rest_table.py: {missing}"
