import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.services import token_for
from config.asgi import application
from discussions.models import Membership, Space
from tests.factories import UserFactory


@pytest.fixture
def space(db):
    return Space.objects.create(slug="smuggling-talk", name="Smuggling talk", visibility=Space.Visibility.PUBLIC)


@pytest.fixture
def private_space(db):
    return Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)


def member_of(space: Space, *, role: str = Membership.Role.MEMBER, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(space=space, user=user, role=role)
    return user


@pytest.fixture
def member(space):
    return member_of(space)


@pytest.fixture
def moderator(space):
    return member_of(space, role=Membership.Role.MODERATOR)


async def connect(user, slug: str, *, after: int | None = None, app=application) -> WebsocketCommunicator:
    """A connected socket that has read its hello frame (exposed as ``.hello``)."""
    path = f"/ws/spaces/{slug}/" + (f"?after={after}" if after is not None else "")
    headers = [(b"authorization", f"Token {await database_sync_to_async(token_for)(user)}".encode())] if user else []
    communicator = WebsocketCommunicator(app, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    communicator.hello = await communicator.receive_json_from(timeout=5)
    return communicator
