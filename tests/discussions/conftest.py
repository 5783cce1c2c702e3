import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from accounts.services import token_for
from config.asgi import application
from discussions.models import Membership, Space
from tests.factories import UserFactory
from tests.frame_contract import CheckedCommunicator


@pytest.fixture
def space(db):
    return Space.objects.create(slug="smuggling-talk", name="Smuggling talk", visibility=Space.Visibility.PUBLIC)


@pytest.fixture
def private_space(db):
    return Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)


def member_of(space: Space, *, role: str = Membership.Role.MEMBER, **user_fields):
    user = UserFactory.create(**user_fields)
    Membership.objects.create(space=space, user=user, role=role)
    return user


@pytest.fixture
def member(space):
    return member_of(space)


@pytest.fixture
def moderator(space):
    return member_of(space, role=Membership.Role.MODERATOR)


class SpaceSocket(CheckedCommunicator):
    hello: dict  # the hello frame it was sent on accept


async def connect(user, slug: str, *, after: int | None = None, app=application) -> SpaceSocket:
    """A connected socket that has read its hello frame (exposed as ``.hello``)."""
    path = f"/ws/spaces/{slug}/" + (f"?after={after}" if after is not None else "")
    headers = [(b"authorization", f"Token {await database_sync_to_async(token_for)(user)}".encode())] if user else []
    communicator = SpaceSocket(app, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    communicator.hello = await communicator.receive_json_from(timeout=5)
    return communicator


async def closed_with(user, slug: str, app=application) -> int:
    """Connect and return the close code the server answers with."""
    headers = [(b"authorization", f"Token {await database_sync_to_async(token_for)(user)}".encode())] if user else []
    communicator = CheckedCommunicator(app, f"/ws/spaces/{slug}/", headers=headers)
    connected, code = await communicator.connect()
    if not connected:
        assert isinstance(code, int), code
        return code
    output = await communicator.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def receive_until(communicator: CheckedCommunicator, frame_type: str, *, timeout: float = 5) -> dict:
    """The next frame of ``frame_type``, skipping others (presence and the like)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


@pytest.fixture
async def fanout_cleanup():
    """Stops this test's fan-out (its event loop ends with the test)."""
    yield
    from realtime.fanout import fanout_shutdown

    await fanout_shutdown()
    # channels_redis keeps asyncio locks bound to the loop that first received; each test has its own.
    channel_layers.backends.clear()
