"""The statements of the Hub's hottest paths, written out in SQL once instead of built per call.

Posting a message and opening a space socket run on the one thread a server process gives to
the database (Channels' ``database_sync_to_async`` is thread-sensitive). Built through the ORM,
the statements of a post cost about 12 ms of CPU on a small server, and the access check of a
socket 8 ms, most of it compiling querysets whose text never changes: posts ran at a fraction of
what the fan-out could deliver, and a thousand clients took half a minute to connect.

Here each text is made once per database vendor from the models' metadata, so column names,
tables and value adaptation still come from the models, and the statements are portable between
PostgreSQL and SQLite (``FOR UPDATE`` only where the backend has it; SQLite's IMMEDIATE
transactions already serialize writers). The rules stay where they were: what a post checks and
publishes in ``messages``, who may see a space in ``access``.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Field, Model

from discussions.models import Ban, Membership, Message, Mute, Space
from discussions.services.access import CallerFacts


@dataclass(frozen=True)
class PostingFacts:
    """One post's author's standing and history in the space, read while the space is locked."""

    caller: CallerFacts
    original_id: int | None  # the message already stored under this (author, client_id)
    recent_count: int  # the author's messages in the rate-limit window
    oldest_recent_at: datetime | None  # the oldest of those
    latest_at: datetime | None  # the author's latest message (slow mode)


def space_with_caller(*, slug: str, user_id: int, now: datetime) -> tuple[Space, CallerFacts] | None:
    """The space and the caller's membership, ban and mute in it, in one statement (no lock)."""
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_space_with_caller_sql(), [user_id, user_id, at, user_id, at, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    columns = len(Space._meta.concrete_fields)
    return _space_from(row[:columns]), _caller_from(row[columns:])


def lock_space(slug: str) -> Space | None:
    """The space, its row locked until the transaction ends (which serializes posts); ``None``
    if there is no such slug."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_space_sql(), [slug])
        row = cursor.fetchone()
    return None if row is None else _space_from(row)


def _space_from(row: tuple) -> Space:
    """A space from its concrete columns, in model order, as the ORM would build it."""
    fields = Space._meta.concrete_fields
    values = [_from_db(field, value) for field, value in zip(fields, row, strict=True)]
    return Space.from_db(connection.alias, [field.attname for field in fields], values)


def posting_facts(
    *, space_id: int, posts: list[tuple[int, str | None]], now: datetime, window_start: datetime
) -> list[PostingFacts]:
    """For each (author_id, client_id), in order: membership, ban, mute, idempotency, rate limit
    and slow mode, all in one round trip.

    Read after ``lock_space``, so the statement's snapshot includes every post committed before
    this one could take the lock: the checks are exact.
    """
    ops = connection.ops
    rows = ", ".join(["(%s, %s, %s)"] * len(posts))
    params: list[object] = [value for index, (author_id, client_id) in enumerate(posts)
                            for value in (index, author_id, client_id)]  # fmt: skip
    at, since = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(window_start)
    # In the order of the statement's placeholders after the rows (see _posting_facts_sql_for).
    params += [space_id, space_id, since, space_id, since, space_id, space_id, space_id, at, space_id, at]
    with connection.cursor() as cursor:
        cursor.execute(_posting_facts_sql().format(rows=rows), params)
        found = cursor.fetchall()
    created_at = Message._meta.get_field("created_at")
    facts = []
    for row in sorted(found, key=lambda row: row[0]):
        original_id, recent_count, oldest_recent_at, latest_at = row[1 + _CALLER_COLUMNS :]
        facts.append(PostingFacts(_caller_from(row[1 : 1 + _CALLER_COLUMNS]), original_id, recent_count or 0,
                                  _from_db(created_at, oldest_recent_at), _from_db(created_at, latest_at)))  # fmt: skip
    return facts


_CALLER_COLUMNS = 6


def _caller_from(values: tuple) -> CallerFacts:
    """The caller's facts from the columns of ``_caller_sql``."""
    membership_id, role, last_read_seq, ban_id, mute_id, muted_until = values
    return CallerFacts(
        membership_id=membership_id,
        role=role,
        last_read_seq=last_read_seq or 0,
        banned=ban_id is not None,
        muted=mute_id is not None,
        muted_until=_from_db(Mute._meta.get_field("expires_at"), muted_until),
    )


def advance_seq(space: Space, last_seq: int) -> None:
    """Write the space's new last seq to its (locked) row."""
    space.last_seq = last_seq
    with connection.cursor() as cursor:
        cursor.execute(_advance_seq_sql(), [last_seq, space.pk])


def insert_messages(messages: list[Message]) -> None:
    """Insert ``messages`` (new, each with its seq) in one statement and set their primary keys."""
    fields, returns_rows = _message_fields(), connection.features.can_return_rows_from_bulk_insert
    if not returns_rows:
        for message in messages:
            _insert([message], fields, returning=False)
        return
    _insert(messages, fields, returning=True)


def _insert(messages: list[Message], fields: list[Field], *, returning: bool) -> None:
    columns = ", ".join(_quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {_table(Message)} ({columns}) VALUES " + ", ".join([row] * len(messages))
    if returning:
        sql += f" RETURNING {_quote('id')}, {_column(Message, 'seq')}"
    values = [field.get_db_prep_save(field.pre_save(message, True), connection)
              for message in messages for field in fields]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        # Matched by seq: the order of RETURNING rows is not promised.
        ids = {seq: pk for pk, seq in cursor.fetchall()} if returning else {messages[0].seq: cursor.lastrowid}
    for message in messages:
        message.pk = ids[message.seq]
        message._state.adding = False
        message._state.db = connection.alias


# --- The statements, made once per vendor ------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    return _quote(model._meta.get_field(name).column)


def _lock_space_sql() -> str:
    return _lock_space_sql_for(connection.vendor, connection.features.has_select_for_update)


@functools.cache
def _lock_space_sql_for(vendor: str, for_update: bool) -> str:
    columns = ", ".join(_quote(field.column) for field in Space._meta.concrete_fields)
    sql = f"SELECT {columns} FROM {_table(Space)} WHERE {_column(Space, 'slug')} = %s"
    return sql + (" FOR UPDATE" if for_update else "")


def _space_with_caller_sql() -> str:
    return _space_with_caller_sql_for(connection.vendor)


@functools.cache
def _space_with_caller_sql_for(vendor: str) -> str:
    columns = ", ".join(f"s.{_quote(field.column)}" for field in Space._meta.concrete_fields)
    caller_columns, caller_joins = _caller_sql(space=f"s.{_quote('id')}", user="%s")
    return (
        f"SELECT {columns}, {caller_columns} FROM {_table(Space)} s {caller_joins} "
        f"WHERE s.{_column(Space, 'slug')} = %s"
    )


def _caller_sql(*, space: str, user: str) -> tuple[str, str]:
    """The caller columns (``_CALLER_COLUMNS`` of them) and the joins that give them, for the
    space and user SQL expressions given. Placeholders, in order: the bans' and the mutes'
    ``now`` (the user's and space's own, when they are ``%s``, come before each)."""
    pk, expires = _quote("id"), _column(Ban, "expires_at")
    space_id, user_id = _column(Membership, "space"), _column(Membership, "user")

    def joined(model: type[Model], alias: str, *, in_force: bool) -> str:
        sql = f"LEFT JOIN {_table(model)} {alias} ON {alias}.{space_id} = {space} AND {alias}.{user_id} = {user}"
        return sql + (f" AND ({alias}.{expires} IS NULL OR {alias}.{expires} > %s)" if in_force else "")

    columns = (
        f"m.{pk}, m.{_column(Membership, 'role')}, m.{_column(Membership, 'last_read_seq')}, "
        f"b.{pk}, mu.{pk}, mu.{expires}"
    )
    joins = " ".join((joined(Membership, "m", in_force=False), joined(Ban, "b", in_force=True),
                      joined(Mute, "mu", in_force=True)))  # fmt: skip
    return columns, joins


def _posting_facts_sql() -> str:
    return _posting_facts_sql_for(connection.vendor)


@functools.cache
def _posting_facts_sql_for(vendor: str) -> str:
    """The facts of each post; ``{rows}`` is one ``(%s, %s, %s)`` per post."""
    m_space, m_author = _column(Message, "space"), _column(Message, "author")
    created_at, client_id = _column(Message, "created_at"), _column(Message, "client_id")
    mine = f"FROM {_table(Message)} WHERE {m_space} = %s AND {m_author} = p.author"
    caller_columns, caller_joins = _caller_sql(space="%s", user="p.author")
    return (
        "WITH p(idx, author, client) AS (VALUES {rows}) "
        f"SELECT p.idx, {caller_columns}, "
        f"(SELECT {_quote('id')} {mine} AND {client_id} = p.client), "
        f"(SELECT COUNT(*) {mine} AND {created_at} > %s), "
        f"(SELECT MIN({created_at}) {mine} AND {created_at} > %s), "
        f"(SELECT MAX({created_at}) {mine}) "
        f"FROM p {caller_joins}"
    )


def _advance_seq_sql() -> str:
    return _advance_seq_sql_for(connection.vendor)


@functools.cache
def _advance_seq_sql_for(vendor: str) -> str:
    return f"UPDATE {_table(Space)} SET {_column(Space, 'last_seq')} = %s WHERE {_quote('id')} = %s"


def _message_fields() -> list[Field]:
    return [field for field in Message._meta.concrete_fields if not field.primary_key]


def _from_db(field: Field, value: object) -> object:
    """A column's value as the ORM would give it (SQLite returns datetimes and JSON as text)."""
    if value is None:
        return None
    column, converters = _converters(connection.vendor, field)
    for converter in converters:
        value = converter(value, column, connection)
    return value


@functools.cache
def _converters(vendor: str, field: Field) -> tuple:
    column = field.get_col(field.model._meta.db_table)
    return column, tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))
