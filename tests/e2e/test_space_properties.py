"""A private space's life in random order, across two server processes (hypothesis, stateful).

Users join (by invitation), post, edit, delete, get banned, unbanned, muted, leave, and read by
resuming a socket from the last seq they saw, on either server. After every step: seq is
gapless; after every resume: the user got exactly what was committed since their last seq, in
order, unless they may not read the space, in which case the socket was refused.
"""

import asyncio
import itertools
import json

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from websockets.exceptions import ConnectionClosed

from discussions.models import Membership, Message, Space
from tests.e2e.processes import services_env, start_uvicorn, stop
from tests.e2e.spaces_client import next_frame, open_socket, rest, with_token
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

PEOPLE = 3
person = st.integers(min_value=0, max_value=PEOPLE - 1)
server = st.integers(min_value=0, max_value=1)
_spaces = itertools.count()


def resume(port: int, user, slug: str, after: int) -> tuple[int | None, list[int]]:
    """Connect with ``?after=``; returns (close code if refused, seqs received before going quiet)."""

    async def run():
        async with open_socket(port, user, slug, after=after) as socket:
            try:
                hello = json.loads(await asyncio.wait_for(socket.recv(), 5))
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None, []
            assert hello["type"] == "hello"
            seqs = []
            for _ in range(hello["last_seq"] - after):
                seqs.append((await next_frame(socket, "message.new"))["message"]["seq"])
            return None, seqs

    return asyncio.run(run())


class PrivateSpaceLife(RuleBasedStateMachine):
    ports: list[int] = []

    @initialize()
    def make_space(self):
        self.space = Space.objects.create(
            slug=f"life-{next(_spaces)}", name="Life", visibility=Space.Visibility.PRIVATE
        )
        self.moderator = with_token(UserFactory.create())
        Membership.objects.create(space=self.space, user=self.moderator, role=Membership.Role.MODERATOR)
        self.people = [with_token(UserFactory.create()) for _ in range(PEOPLE)]
        # Two people start inside, so that runs reach posting and resuming early.
        Membership.objects.bulk_create(Membership(space=self.space, user=self.people[index]) for index in (0, 1))
        self.members: set[int] = {0, 1}
        self.invited: set[int] = set()
        self.banned: set[int] = set()
        self.muted: set[int] = set()
        self.last_seen = [0] * PEOPLE
        self.own_messages: dict[int, list[int]] = {index: [] for index in range(PEOPLE)}

    def path(self, tail: str) -> str:
        return f"spaces/{self.space.slug}/{tail}"

    def may_read(self, who: int) -> bool:
        return who in self.members and who not in self.banned

    @rule(who=person, via=server)
    def join(self, who, via):
        if who not in self.banned:
            rest(
                self.ports[via],
                self.moderator,
                "POST",
                self.path("invitations/"),
                {"username": self.people[who].username},
            )
            self.invited.add(who)
        status, _ = rest(self.ports[via], self.people[who], "POST", self.path("join/"))
        if who not in self.banned:
            assert status == 200
        else:  # the ban shows only to those who know the space; to others it does not exist
            assert status == (403 if who in self.members or who in self.invited else 404)
        if who not in self.banned:
            self.members.add(who)

    @rule(who=person, via=server, text=st.text(min_size=1, max_size=40).filter(str.strip))
    def post(self, who, via, text):
        status, body = rest(self.ports[via], self.people[who], "POST", self.path("messages/"), {"body": text})
        if "\x00" in text:
            assert status == 400  # invalid input is refused before anything else is looked at
        elif who not in self.members:
            assert status == 404
        elif who in self.banned or who in self.muted:
            assert status == 403
        else:
            assert status in (201, 429), body  # 429: the rate limit, which random runs may reach
            if status == 201:
                self.own_messages[who].append(body["id"])

    @precondition(lambda self: any(self.own_messages.values()))
    @rule(data=st.data(), via=server)
    def edit_or_delete(self, data, via):
        who = data.draw(st.sampled_from([index for index, ids in self.own_messages.items() if ids]))
        message_id = data.draw(st.sampled_from(self.own_messages[who]))
        if data.draw(st.booleans()):
            status, _ = rest(self.ports[via], self.people[who], "PATCH", f"messages/{message_id}/", {"body": "edited"})
        else:
            status, _ = rest(self.ports[via], self.people[who], "DELETE", f"messages/{message_id}/")
            if status == 200:
                self.own_messages[who].remove(message_id)
        assert status == (200 if self.may_read(who) else 404 if who not in self.members else 403)

    @rule(who=person, via=server)
    def ban(self, who, via):
        status, _ = rest(
            self.ports[via], self.moderator, "POST", self.path("bans/"), {"username": self.people[who].username}
        )
        assert status == 201
        self.banned.add(who)

    @rule(who=person, via=server)
    def unban(self, who, via):
        status, _ = rest(self.ports[via], self.moderator, "DELETE", self.path(f"bans/{self.people[who].username}/"))
        assert status == (204 if who in self.banned else 404)
        self.banned.discard(who)

    @rule(who=person, via=server, mute=st.booleans())
    def mute(self, who, via, mute):
        name = self.people[who].username
        if mute:
            status, _ = rest(
                self.ports[via], self.moderator, "POST", self.path("mutes/"), {"username": name, "minutes": 5}
            )
            assert status == 201
            self.muted.add(who)
        else:
            status, _ = rest(self.ports[via], self.moderator, "DELETE", self.path(f"mutes/{name}/"))
            assert status == (204 if who in self.muted else 404)
            self.muted.discard(who)

    @rule(who=person, via=server)
    def leave(self, who, via):
        status, _ = rest(self.ports[via], self.people[who], "POST", self.path("leave/"))
        assert status == (204 if who in self.members else 403)  # a banned member may leave; the ban stays
        self.members.discard(who)

    @rule(who=person, via=server)
    def resume_socket(self, who, via):
        code, seqs = resume(self.ports[via], self.people[who], self.space.slug, self.last_seen[who])
        if not self.may_read(who):
            assert code == (4404 if who not in self.members else 4403)  # outsiders never learn more
            return
        last_seq = Space.objects.get(pk=self.space.pk).last_seq
        assert code is None
        assert seqs == list(range(self.last_seen[who] + 1, last_seq + 1))
        self.last_seen[who] = last_seq

    @rule(author=person, reader=person, via=server, text=st.text(min_size=1, max_size=40).filter(str.strip))
    def post_then_resume_elsewhere(self, author, reader, via, text):
        """Written through one server, read through the other: the cross-process path every time."""
        self.post(author, via, text)
        self.resume_socket(reader, 1 - via)

    @invariant()
    def seq_is_gapless(self):
        if not hasattr(self, "space"):
            return
        seqs = list(Message.objects.filter(space=self.space).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))


@pytest.fixture
def two_servers(tmp_path):
    started = [start_uvicorn(services_env(), tmp_path / f"server-{index}.log") for index in range(2)]
    yield [port for _process, port in started]
    for process, _port in started:
        stop(process)


@pytest.mark.timeout(600)  # room for hypothesis to shrink a failure to its shortest story
def test_a_private_space_keeps_its_promises_whatever_happens(two_servers):
    PrivateSpaceLife.ports = two_servers
    run_state_machine_as_test(
        PrivateSpaceLife,
        settings=settings(
            max_examples=6, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
