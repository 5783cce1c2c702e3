"""Fixtures of the events suites: organizers, clients per user, and a recorder of the hooks events-core
calls into the other event helpers' modules (announcements, invitations)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_for
from tests.events.factories import organizer_user


def client_of(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def as_user() -> Callable[[User], APIClient]:
    return client_of


@pytest.fixture
def organizer(db: Any) -> User:
    return organizer_user()


@dataclass
class HookCalls:
    """What events-core told the other helpers' modules, in order: (name, event id, extra)."""

    calls: list[tuple[str, int, Any]] = field(default_factory=list)

    def named(self, name: str) -> list[tuple[str, int, Any]]:
        return [call for call in self.calls if call[0] == name]


@pytest.fixture
def event_hooks(monkeypatch: pytest.MonkeyPatch) -> HookCalls:
    """Records the calls to announcements and invitations instead of making them (events-core's own
    unit tests: what those modules do is tested by their owners)."""
    from events.services import announcements, invitations

    hooks = HookCalls()

    def recorder(name: str) -> Callable[..., None]:
        def record(event: Any, *args: Any) -> None:
            hooks.calls.append((name, event.pk, args[0] if args else None))

        return record

    for name in ("announce_on_commit", "event_time_changed_on_commit", "event_cancelled_on_commit"):
        monkeypatch.setattr(announcements, name, recorder(name))
    monkeypatch.setattr(invitations, "invitations_cancelled_on_commit", recorder("invitations_cancelled_on_commit"))
    return hooks
