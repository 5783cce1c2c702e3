"""A small client of the space socket and REST API for end-to-end tests (tokens read beforehand)."""

import asyncio
import json
import time
import urllib.error
import urllib.request
from typing import Any

import websockets

from accounts.services import token_for
from discussions.models import Membership
from tests.factories import UserFactory
from tests.frame_contract import CheckedConnection
from tests.rest_contract import rest_contract


def with_token(user):
    """Tokens are read before any event loop starts: the ORM is not for async code."""
    user.token = token_for(user)
    return user


def member(space, **fields):
    user = UserFactory.create(**fields)
    Membership.objects.create(space=space, user=user)
    return with_token(user)


def open_socket(port: int, user, slug: str, after: int | None = None, **kwargs):
    query = f"?after={after}" if after is not None else ""
    return websockets.connect(
        f"ws://127.0.0.1:{port}/ws/spaces/{slug}/{query}",
        additional_headers={"Authorization": f"Token {user.token}"},
        max_size=2**22,
        create_connection=CheckedConnection,
        **kwargs,
    )


async def next_frame(socket, frame_type: str, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.monotonic())))
        if frame["type"] == frame_type:
            return frame


def rest(port: int, user, method: str, path: str, payload: dict | None = None) -> tuple[int, Any]:
    """The status and the decoded JSON body (``None`` when there is none)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Token {user.token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            status, content_type, body = response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        status, content_type, body = error.code, error.headers.get("Content-Type", ""), error.read()
    # A real server's answers are held to the OpenAPI document like the test client's.
    rest_contract().check(method=method, path=f"/api/v1/{path}".split("?")[0], request_content_type="application/json",
                          status=status, content_type=content_type, body=body)  # fmt: skip
    return status, json.loads(body) if body else None


def get_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
