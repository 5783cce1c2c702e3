"""The authorization matrix over the space socket: every role x the public and the private space.

For each (role, space) the handshake gives the close code or the hello ``role`` of the table; a
socket that opens then sends every client action of the contract about a fresh message of
``author``'s, and each answer (the frame that comes back, or the ``error`` code) is the table's.
One world per space, the roles one after the other (a world per case would cost seconds each).
Actions that answer nothing to their sender (``typing``, ``read``) are followed by a ``ping``: an
``error`` would arrive before its ``pong``.
Secrets (``tests/access/world.py``) are searched for in every frame the role receives.
"""

import json

import pytest
from channels.db import database_sync_to_async

from config.asgi import application
from discussions.services.posting import message_post
from tests.access.world import ROLES, SECRETS, World, build_world
from tests.discussions.conftest import fanout_cleanup  # noqa: F401 (the fixture)
from tests.frame_contract import CheckedCommunicator
from tests.notifications.sockets import NotificationSocket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fanout_cleanup")]

# How each role stands in the world's public and private spaces.
STANDING = {
    "member": "member",
    "moderator": "moderator",
    "muted": "muted",
    "banned": "banned",
    "staff": "staff",
    "anonymous": "anonymous",
    **dict.fromkeys(("user", "other_moderator", "expert", "reviewer", "organizer"), "outsider"),
}

# The handshake: an int is the close code, a str the hello's role.
HANDSHAKE = {
    "public": {
        "anonymous": 4401,
        "outsider": "visitor",
        "member": "member",
        "muted": "member",
        "moderator": "moderator",
        "staff": "moderator",
        "banned": 4403,
    },
    "private": {
        "anonymous": 4401,
        "outsider": 4404,
        "member": "member",
        "muted": "member",
        "moderator": "moderator",
        "staff": "moderator",
        "banned": 4403,
    },
}

# Each action in the order sent, then what each standing gets back: a frame type, or "error:<code>".
# ``SEQ`` stands for the seq of the message acted on: a fresh one of the author's for each role.
SEQ = -1
ACTIONS: list[tuple[str, dict[str, object], dict[str, str]]] = [
    ("ping", {}, dict.fromkeys(("visitor", "member", "muted", "moderator", "staff"), "pong")),
    (
        "typing",
        {},
        {"visitor": "error:not_member", "member": "pong", "muted": "pong", "moderator": "pong", "staff": "pong"},
    ),
    # Read markers are members' (staff outside the space have none, as over REST).
    (
        "read",
        {"seq": SEQ},
        {
            "visitor": "error:not_member",
            "member": "pong",
            "muted": "pong",
            "moderator": "pong",
            "staff": "error:not_member",
        },
    ),
    (
        "reaction.add",
        {"seq": SEQ, "emoji": "👍"},
        {
            "visitor": "error:not_member",
            "member": "reaction",
            "muted": "error:muted",
            "moderator": "reaction",
            "staff": "reaction",
        },
    ),
    (
        "reaction.remove",
        {"seq": SEQ, "emoji": "👍"},
        {
            "visitor": "error:not_member",
            "member": "reaction",
            "muted": "error:muted",
            "moderator": "reaction",
            "staff": "reaction",
        },
    ),
    # Only the author edits: the same answer whatever the caller's standing.
    (
        "message.edit",
        {"seq": SEQ, "body": "Edited by someone else"},
        dict.fromkeys(("visitor", "member", "muted", "moderator", "staff"), "error:forbidden"),
    ),
    (
        "message.send",
        {"body": "Hello", "client_id": "matrix-socket"},
        {
            "visitor": "error:not_member",
            "member": "message.new",
            "muted": "error:muted",
            "moderator": "message.new",
            "staff": "message.new",
        },
    ),
    (
        "message.delete",
        {"seq": SEQ},
        {
            "visitor": "error:forbidden",
            "member": "error:forbidden",
            "muted": "error:forbidden",
            "moderator": "message.updated",
            "staff": "message.updated",
        },
    ),
]
# Frames a socket may receive at any moment besides the answer awaited: they are skipped.
BACKGROUND = {"presence", "member.joined", "member.left", "typing"}


def leaked(role: str, frame: dict[str, object]) -> list[str]:
    text = json.dumps(frame, ensure_ascii=False)
    return [secret for secret, audience in SECRETS.items() if role not in audience and secret in text]


async def answer(socket: CheckedCommunicator, role: str, *, history_up_to: int) -> tuple[str, list[str]]:
    """The next frame that is not background, as "type" or "error:<code>", and any secret it leaked.

    A ``message.new`` of a seq up to ``history_up_to`` is the room's (the target, whose broadcast
    may reach a socket opened just after it was posted), not an answer."""
    leaks: list[str] = []
    while True:
        frame = await socket.receive_json_from(timeout=5)
        leaks += leaked(role, frame)
        if frame["type"] in BACKGROUND:
            continue
        if frame["type"] == "message.new" and frame["message"]["seq"] <= history_up_to:
            continue
        kind = f"error:{frame['code']}" if frame["type"] == "error" else str(frame["type"])
        return kind, leaks


async def open_socket(world: World, role: str, slug: str) -> tuple[CheckedCommunicator, int | dict[str, object]]:
    headers = [(b"authorization", f"Token {world.tokens[role]}".encode())] if role != "anonymous" else []
    socket = CheckedCommunicator(application, f"/ws/spaces/{slug}/", headers=headers)
    connected, code = await socket.connect()
    if not connected:
        assert isinstance(code, int), code
        return socket, code
    first = await socket.receive_output(timeout=5)
    if first["type"] == "websocket.close":
        return socket, int(first["code"])
    return socket, json.loads(first["text"])


async def role_outcomes(world: World, role: str, visibility: str) -> list[str]:
    """What differs from the table for ``role`` on the world's ``visibility`` space (empty: all as said)."""
    space = world.public if visibility == "public" else world.private
    standing = STANDING[role]
    target = await database_sync_to_async(message_post)(slug=space.slug, author=world.users["author"], body="Target")
    seq = target.message.seq
    socket, outcome = await open_socket(world, role, space.slug)
    expected = HANDSHAKE[visibility][standing]
    where = f"{role} on the {visibility} space"
    if isinstance(expected, int):
        return [] if outcome == expected else [f"{where}: handshake {outcome}, not close {expected}"]
    problems = []
    try:
        if not isinstance(outcome, dict) or outcome.get("role") != expected:
            return [f"{where}: handshake {outcome}, not hello as {expected}"]
        problems += [f"{where}: hello leaked {secret}" for secret in leaked(role, outcome)]
        as_seen = "visitor" if expected == "visitor" else standing
        for action, fields, answers in ACTIONS:
            frame = {"type": action, **{key: seq if value == SEQ else value for key, value in fields.items()}}
            await socket.send_json_to(frame)
            if answers[as_seen] == "pong" and action != "ping":
                await socket.send_json_to({"type": "ping"})
            got, leaks = await answer(socket, role, history_up_to=seq)
            if got != answers[as_seen]:
                problems.append(f"{where}: {action} answered {got}, not {answers[as_seen]}")
            problems += [f"{where}: {action} leaked {secret}" for secret in leaks]
    finally:
        await socket.disconnect()
    return problems


@pytest.mark.parametrize("visibility", ["public", "private"])
async def test_each_role_gets_the_handshake_and_answers_the_matrix_says(visibility):
    world = await database_sync_to_async(build_world)()
    problems = []
    for role in ROLES:
        problems += await role_outcomes(world, role, visibility)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "user", "staff"])
async def test_the_notification_socket_needs_an_account_and_shows_only_the_callers_own(role):
    world = await database_sync_to_async(build_world)()
    headers = [(b"authorization", f"Token {world.tokens[role]}".encode())] if role != "anonymous" else []
    socket = NotificationSocket(application, "/ws/notifications/", headers=headers)
    connected, code = await socket.connect()
    try:
        if role == "anonymous":
            if connected:
                code = (await socket.receive_output(timeout=5))["code"]
            assert code == 4401
            return
        assert connected
        unread = await socket.receive_json_from(timeout=5)
        assert unread["type"] == "unread"
        assert unread["notifications"] == 0, "the author's notification is not the caller's"
        assert not leaked(role, unread)
    finally:
        await socket.disconnect()
