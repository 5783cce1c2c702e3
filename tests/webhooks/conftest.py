import pytest

from discussions.models import Membership, Space
from tests.factories import UserFactory
from tests.webhooks.receiver import receiver_running
from webhooks.models import Webhook
from webhooks.outbox import routes_changed

SECRET = "a-secret-of-sixteen-or-more"


@pytest.fixture(autouse=True)
def _fresh_routes():
    routes_changed()
    yield
    routes_changed()


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def public_space(db):
    return Space.objects.create(slug="open-talk", name="Open talk")


@pytest.fixture
def private_space(db):
    return Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)


def member(space, *, role=Membership.Role.MEMBER, **fields):
    user = UserFactory.create(**fields)
    Membership.objects.create(space=space, user=user, role=role)
    return user


def webhook(url, *, events=("message.new",), space=None, owner=None, **fields) -> Webhook:
    """A webhook stored directly (the API's checks are tested on their own)."""
    return Webhook.objects.create(
        owner=owner or UserFactory.create(is_staff=True), url=url, events=list(events), space=space, secret=SECRET,
        **fields,
    )  # fmt: skip
