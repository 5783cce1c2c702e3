"""The hand-written statements of ``hot_statements`` and the ORM agree on every fact (hypothesis).

``hot_statements`` restates in SQL what ``access.spaces_with_caller`` and a few ORM queries
compute, for speed. Over generated states (memberships with roles, bans and mutes expiring
before, at or after ``now`` or never, public and private spaces, staff or not, messages at
various times and client_ids), both paths must give the same space, the same caller facts, the
same access decision and the same posting facts. Runs on SQLite and, with ``DATABASE_URL``, on
PostgreSQL. Each example's rows are made inside a savepoint that is rolled back at its end.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from discussions.models import Ban, Membership, Message, Mute, Space
from discussions.services import hot_statements
from discussions.services.access import (
    CallerFacts,
    SpaceAccess,
    SpaceWithCaller,
    access_from_annotated,
    access_from_facts,
    spaces_with_caller,
)
from hub.errors import HubError

pytestmark = pytest.mark.django_db

# Database examples are slow for hypothesis' taste; a bounded number keeps the suite at a few seconds.
db_examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

BASE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PEOPLE = 3
SPACES = ("prop-one", "prop-two")
CLIENT_IDS = (None, "a", "b")

person = st.integers(min_value=0, max_value=PEOPLE - 1)
# Seconds from ``now``: few values, so that times often fall exactly on ``now`` or on the start
# of the rate-limit window, where ``>`` and ``>=`` differ.
MOMENTS = (-20, -10, -5, -1, 0, 3)
offset = st.sampled_from(MOMENTS)
NEVER = "never"
# A ban or mute: none, one that never expires, or one expiring before, at or after ``now``.
restriction = st.one_of(st.none(), st.just(NEVER), offset)


@dataclass(frozen=True)
class Standing:
    """One person's rows in one space."""

    membership: tuple[str, int] | None  # (role, last_read_seq)
    ban: int | str | None  # None: no ban; NEVER; or its expiry in seconds from ``now``
    mute: int | str | None


@dataclass(frozen=True)
class State:
    now: datetime
    staff: list[bool]
    private: list[bool]
    standings: list[Standing]  # of person p in space s at s * PEOPLE + p
    messages: list[tuple[int, int, int, str | None]]  # (space, author, offset, client_id)


standing = st.builds(
    Standing,
    membership=st.one_of(
        st.none(), st.tuples(st.sampled_from(Membership.Role.values), st.integers(min_value=0, max_value=3))
    ),
    ban=restriction,
    mute=restriction,
)
states = st.builds(
    State,
    # Microseconds 0 and not: SQLite stores datetimes as text, whose format they change.
    now=st.sampled_from([0, 1, 500_000, 999_999]).map(lambda microseconds: BASE + timedelta(microseconds=microseconds)),
    staff=st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE),
    private=st.lists(st.booleans(), min_size=len(SPACES), max_size=len(SPACES)),
    standings=st.lists(standing, min_size=PEOPLE * len(SPACES), max_size=PEOPLE * len(SPACES)),
    # Mostly in the first space, where the posting facts are read; a few in the other, to be ignored.
    messages=st.lists(st.tuples(st.sampled_from((0, 0, 1)), person, offset, st.sampled_from(CLIENT_IDS)), max_size=12),
)


@dataclass
class World:
    now: datetime
    people: list[User]
    spaces: list[Space]


def build(state: State) -> World:
    now = state.now
    people = User.objects.bulk_create(
        User(username=f"prop{index}", email=f"prop{index}@hub.example", is_staff=staff)
        for index, staff in enumerate(state.staff)
    )
    spaces = Space.objects.bulk_create(
        Space(
            slug=slug,
            name=slug,
            visibility=Space.Visibility.PRIVATE if private else Space.Visibility.PUBLIC,
            opens_at=now - timedelta(days=1),
            languages=["en", "fr"],
            slow_mode_seconds=index * 5,
        )
        for index, (slug, private) in enumerate(zip(SPACES, state.private, strict=True))
    )
    rows: dict[type[Membership | Ban | Mute | Message], list] = {Membership: [], Ban: [], Mute: []}
    for index, (role_and_seq, ban, mute) in enumerate((s.membership, s.ban, s.mute) for s in state.standings):
        space, user = spaces[index // PEOPLE], people[index % PEOPLE]
        if role_and_seq is not None:
            role, last_read_seq = role_and_seq
            rows[Membership].append(Membership(space=space, user=user, role=role, last_read_seq=last_read_seq))
        for model, expires in ((Ban, ban), (Mute, mute)):
            if expires is not None:
                expires_at = None if isinstance(expires, str) else now + timedelta(seconds=expires)  # str: NEVER
                rows[model].append(model(space=space, user=user, expires_at=expires_at))
    messages, seqs, sent = [], [0] * len(spaces), set()
    for in_space, who, moment, client_id in state.messages:
        if client_id is not None and (in_space, who, client_id) in sent:
            continue  # the unique constraint would refuse it, as it refuses a resend
        sent.add((in_space, who, client_id))
        seqs[in_space] += 1
        messages.append(Message(space=spaces[in_space], seq=seqs[in_space], author=people[who], body="hello",
                                client_id=client_id, created_at=now + timedelta(seconds=moment)))  # fmt: skip
    rows[Message] = messages
    for rows_model, objects in rows.items():
        rows_model.objects.bulk_create(objects)
    return World(now, people, spaces)


@contextmanager
def world_of(state: State) -> Iterator[World]:
    """The state's rows, in a savepoint rolled back at the end: every example starts from the same database."""
    with transaction.atomic():
        yield build(state)
        transaction.set_rollback(True)


def column_values(space: Space | None) -> dict[str, object]:
    assert space is not None
    return {field.attname: getattr(space, field.attname) for field in Space._meta.concrete_fields}


def facts_of_annotated(space: SpaceWithCaller) -> CallerFacts:
    return CallerFacts(
        membership_id=space.caller_membership_id,
        role=space.caller_role,
        # A non-member has no last read seq: the annotation says None, CallerFacts' default 0.
        last_read_seq=space.caller_last_read_seq or 0,
        banned=space.caller_banned,
        muted=space.caller_muted,
        muted_until=space.caller_muted_until,
    )


def decision(decide) -> tuple:
    """What an access check decided: the role and standing it grants, or the error it raised."""
    try:
        access: SpaceAccess = decide()
    except HubError as error:
        return ("refused", error.code, error.status)
    membership_id = access.membership.pk if access.membership is not None else None
    return ("granted", access.role, membership_id, access.muted, access.muted_until)


def orm_posting_facts(space: Space, user: User, client_id: str | None, now: datetime, window_start: datetime):
    """``hot_statements.PostingFacts`` computed with the ORM."""
    caller = facts_of_annotated(spaces_with_caller(user, now=now).get(pk=space.pk))
    mine = Message.objects.filter(space=space, author=user)
    original_id = None
    if client_id is not None:
        original_id = mine.filter(client_id=client_id).values_list("pk", flat=True).first()
    recent = Q(created_at__gt=window_start)
    history = mine.aggregate(
        recent_count=Count("pk", filter=recent),
        oldest_recent_at=Min("created_at", filter=recent),
        latest_at=Max("created_at"),
    )
    return hot_statements.PostingFacts(caller, original_id, **history)


@db_examples
@given(state=states)
def test_space_statements_agree_with_the_orm_on_the_space_and_every_caller_fact(state: State):
    with world_of(state) as world:
        check_space_with_caller(world)


def check_space_with_caller(world: World) -> None:
    slugs = [space.slug for space in world.spaces]
    for space in world.spaces:
        assert column_values(hot_statements.lock_space(space.slug)) == column_values(Space.objects.get(pk=space.pk))
    for user in world.people:
        through_orm = spaces_with_caller(user, now=world.now).in_bulk(slugs, field_name="slug")
        for slug, orm_space in through_orm.items():
            found = hot_statements.space_with_caller(slug=slug, user_id=user.pk, now=world.now)
            assert found is not None
            sql_space, sql_facts = found
            assert column_values(sql_space) == column_values(orm_space)
            assert sql_facts == facts_of_annotated(orm_space)
            assert decision(lambda: access_from_facts(sql_space, user, sql_facts)) == decision(  # noqa: B023
                lambda: access_from_annotated(orm_space, user)  # noqa: B023
            )
    assert hot_statements.space_with_caller(slug="no-such-space", user_id=world.people[0].pk, now=world.now) is None
    assert hot_statements.lock_space("no-such-space") is None


@db_examples
@given(
    state=states,
    posts=st.lists(st.tuples(person, st.sampled_from((*CLIENT_IDS, "c"))), min_size=1, max_size=5),
    window=st.sampled_from([-moment for moment in MOMENTS if moment <= 0]),
)
def test_posting_facts_agree_with_the_orm_for_every_post_of_a_batch(state, posts, window):
    with world_of(state) as world:
        window_start = world.now - timedelta(seconds=window)
        target = world.spaces[0]
        requests = [(world.people[who].pk, client_id) for who, client_id in posts]
        found = hot_statements.posting_facts(
            space_id=target.pk, posts=requests, now=world.now, window_start=window_start
        )
        expected = [orm_posting_facts(target, world.people[who], client_id, world.now, window_start)
                    for who, client_id in posts]  # fmt: skip
        assert found == expected


@db_examples
@given(
    state=states,
    new=st.lists(
        st.tuples(
            person, st.text(max_size=20).filter(lambda text: "\x00" not in text), st.sampled_from(CLIENT_IDS), offset
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_inserted_messages_read_back_through_the_orm_as_written(state, new):
    with world_of(state) as world:
        space = world.spaces[0]
        last_seq = Message.objects.filter(space=space).aggregate(last=Max("seq"))["last"] or 0
        messages: list[Message] = []
        sent = set(Message.objects.filter(space=space).values_list("author_id", "client_id"))
        for who, body, client_id, moment in new:
            author = world.people[who]
            if client_id is not None and (author.pk, client_id) in sent:
                continue
            sent.add((author.pk, client_id))
            messages.append(Message(space=space, seq=last_seq + len(messages) + 1, author=author, body=body,
                                    html=f"<p>{body}</p>", client_id=client_id, mentions=[author.username],
                                    reactions={"👍": who}, reply_to_seq=last_seq or None,
                                    created_at=world.now + timedelta(seconds=moment)))  # fmt: skip
        if not messages:
            return
        hot_statements.advance_seq(space, last_seq + len(messages))
        hot_statements.insert_messages(messages)
        assert Space.objects.get(pk=space.pk).last_seq == last_seq + len(messages)
        fields = Message._meta.concrete_fields
        for message in messages:
            stored = Message.objects.get(pk=message.pk)
            assert {f.attname: getattr(stored, f.attname) for f in fields} == {
                f.attname: getattr(message, f.attname) for f in fields
            }
