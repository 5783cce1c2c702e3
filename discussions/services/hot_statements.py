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
publishes in ``posting``, who may see a space in ``access``.

Parameters are named (``%(space_id)s``, passed as a dict), so moving a clause cannot bind a value
to the wrong placeholder: psycopg binds names itself, and Django's SQLite cursor turns them into
SQLite's ``:name``. Every column, primary keys included, comes from model metadata.
``tests/discussions/test_hot_statements_properties.py`` checks, on both databases, that these
statements and the ORM (``access.spaces_with_caller``) agree on every fact over generated states.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObjectRel, Model

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
    params: dict[str, Any] = {"slug": slug, "user_id": user_id, "now": connection.ops.adapt_datetimefield_value(now)}
    with connection.cursor() as cursor:
        cursor.execute(_space_with_caller_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    columns = len(Space._meta.concrete_fields)
    return _space_from(row[:columns]), _caller_from(row[columns:])


def space_with_callers(*, slug: str, user_ids: list[int], now: datetime) -> tuple[Space, dict[int, CallerFacts]] | None:
    """The space and each caller's membership, ban and mute in it, in one statement (no lock): the
    access checks of sockets that open together."""
    params: dict[str, Any] = {"slug": slug, "now": connection.ops.adapt_datetimefield_value(now)}
    for name, user_id in zip(_caller_names(len(user_ids)), user_ids, strict=True):
        params[name] = user_id
    with connection.cursor() as cursor:
        cursor.execute(_space_with_callers_sql(len(user_ids)), params)
        rows = cursor.fetchall()
    if not rows:
        return None
    columns = len(Space._meta.concrete_fields)
    space = _space_from(rows[0][1 : 1 + columns])
    return space, {user_ids[row[0]]: _caller_from(row[1 + columns :]) for row in rows}


def lock_space(slug: str) -> Space | None:
    """The space, its row locked until the transaction ends (which serializes posts); ``None``
    if there is no such slug."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_space_sql(), {"slug": slug})
        row = cursor.fetchone()
    return None if row is None else _space_from(row)


def _space_from(row: tuple[Any, ...]) -> Space:
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
    params: dict[str, Any] = {
        "space_id": space_id,
        "now": ops.adapt_datetimefield_value(now),
        "window_start": ops.adapt_datetimefield_value(window_start),
    }
    for (author, client), (author_id, client_id) in zip(_post_names(len(posts)), posts, strict=True):
        params[author], params[client] = author_id, client_id
    with connection.cursor() as cursor:
        cursor.execute(_posting_facts_sql(len(posts)), params)
        found = cursor.fetchall()
    created_at = Message._meta.get_field("created_at")
    facts = []
    for row in sorted(found, key=lambda row: row[0]):
        original_id, recent_count, oldest_recent_at, latest_at = row[1 + _CALLER_COLUMNS :]
        facts.append(PostingFacts(_caller_from(row[1 : 1 + _CALLER_COLUMNS]), original_id, recent_count or 0,
                                  _from_db(created_at, oldest_recent_at), _from_db(created_at, latest_at)))  # fmt: skip
    return facts


_CALLER_COLUMNS = 6


def _caller_from(values: tuple[Any, ...]) -> CallerFacts:
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
        cursor.execute(_advance_seq_sql(), {"last_seq": last_seq, "space_id": space.pk})


def insert_messages(messages: list[Message]) -> None:
    """Insert ``messages`` (new, each with its seq) in one statement and set their primary keys."""
    if not connection.features.can_return_rows_from_bulk_insert:
        for message in messages:
            _insert([message], returning=False)
        return
    _insert(messages, returning=True)


def _insert(messages: list[Message], *, returning: bool) -> None:
    fields = _message_fields()
    params = {name: field.get_db_prep_save(field.pre_save(message, True), connection)
              for message, names in zip(messages, _insert_names(len(messages)), strict=True)
              for field, name in zip(fields, names, strict=True)}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(messages), returning=returning), params)
        # Matched by seq: the order of RETURNING rows is not promised.
        ids = {seq: pk for pk, seq in cursor.fetchall()} if returning else {messages[0].seq: cursor.lastrowid}
    for message in messages:
        message.pk = ids[message.seq]
        message._state.adding = False
        message._state.db = connection.alias


# --- The statements, made once per vendor ------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _name(field: "Field[Any, Any] | ForeignObjectRel | None") -> str:
    """The quoted column of a concrete field."""
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{field!r} has no column")
    return _quote(field.column)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    return _name(model._meta.get_field(name))


def _pk(model: type[Model]) -> str:
    return _name(model._meta.pk)


def _lock_space_sql() -> str:
    return _lock_space_sql_for(connection.vendor, connection.features.has_select_for_update)


@functools.cache
def _lock_space_sql_for(vendor: str, for_update: bool) -> str:
    columns = ", ".join(_name(field) for field in Space._meta.concrete_fields)
    sql = f"SELECT {columns} FROM {_table(Space)} WHERE {_column(Space, 'slug')} = %(slug)s"
    return sql + (" FOR UPDATE" if for_update else "")


def _space_with_caller_sql() -> str:
    return _space_with_caller_sql_for(connection.vendor)


@functools.cache
def _space_with_caller_sql_for(vendor: str) -> str:
    """Parameters: ``slug``, ``user_id``, ``now``."""
    columns = ", ".join(f"s.{_name(field)}" for field in Space._meta.concrete_fields)
    caller_columns, caller_joins = _caller_sql(space=f"s.{_pk(Space)}", user="%(user_id)s")
    return (
        f"SELECT {columns}, {caller_columns} FROM {_table(Space)} s {caller_joins} "
        f"WHERE s.{_column(Space, 'slug')} = %(slug)s"
    )


def _space_with_callers_sql(callers: int) -> str:
    return _space_with_callers_sql_for(connection.vendor, callers)


@functools.lru_cache(maxsize=256)  # one per batch size; batches are at most the consumer's ACCESS_BATCH_MAX
def _space_with_callers_sql_for(vendor: str, callers: int) -> str:
    """Parameters: ``slug``, ``now`` and each caller's ``user_<i>`` (``_caller_names``); each row
    starts with the caller's index. No row when there is no such space."""
    columns = ", ".join(f"s.{_name(field)}" for field in Space._meta.concrete_fields)
    caller_columns, caller_joins = _caller_sql(space=f"s.{_pk(Space)}", user="c.user_id")
    rows = ", ".join(f"({index}, %({name})s)" for index, name in enumerate(_caller_names(callers)))
    return (
        f"WITH c(idx, user_id) AS (VALUES {rows}) "
        f"SELECT c.idx, {columns}, {caller_columns} FROM {_table(Space)} s CROSS JOIN c {caller_joins} "
        f"WHERE s.{_column(Space, 'slug')} = %(slug)s"
    )


@functools.lru_cache(maxsize=256)
def _caller_names(callers: int) -> tuple[str, ...]:
    return tuple(f"user_{index}" for index in range(callers))


def _caller_sql(*, space: str, user: str) -> tuple[str, str]:
    """The caller columns (``_CALLER_COLUMNS`` of them) and the joins that give them, for the
    space and user SQL expressions given. Bans and mutes apply if they have not expired at the
    parameter ``now``."""

    def joined(model: type[Model], alias: str, *, in_force: bool) -> str:
        sql = (
            f"LEFT JOIN {_table(model)} {alias} ON {alias}.{_column(model, 'space')} = {space} "
            f"AND {alias}.{_column(model, 'user')} = {user}"
        )
        if not in_force:
            return sql
        expires = f"{alias}.{_column(model, 'expires_at')}"
        return sql + f" AND ({expires} IS NULL OR {expires} > %(now)s)"

    columns = (
        f"m.{_pk(Membership)}, m.{_column(Membership, 'role')}, m.{_column(Membership, 'last_read_seq')}, "
        f"b.{_pk(Ban)}, mu.{_pk(Mute)}, mu.{_column(Mute, 'expires_at')}"
    )
    joins = " ".join((joined(Membership, "m", in_force=False), joined(Ban, "b", in_force=True),
                      joined(Mute, "mu", in_force=True)))  # fmt: skip
    return columns, joins


def _posting_facts_sql(posts: int) -> str:
    return _posting_facts_sql_for(connection.vendor, posts)


@functools.lru_cache(maxsize=256)  # one per batch size; batches are at most DISCUSSION_POST_BATCH_MAX
def _posting_facts_sql_for(vendor: str, posts: int) -> str:
    """Parameters: ``space_id``, ``now``, ``window_start``, and each post's ``author_<i>`` and
    ``client_<i>`` (``_post_names``); each row starts with the post's index."""
    m_space, m_author = _column(Message, "space"), _column(Message, "author")
    created_at, client_id = _column(Message, "created_at"), _column(Message, "client_id")
    mine = f"FROM {_table(Message)} WHERE {m_space} = %(space_id)s AND {m_author} = p.author"
    caller_columns, caller_joins = _caller_sql(space="%(space_id)s", user="p.author")
    rows = ", ".join(f"({index}, %({author})s, %({client})s)"
                     for index, (author, client) in enumerate(_post_names(posts)))  # fmt: skip
    return (
        f"WITH p(idx, author, client) AS (VALUES {rows}) "
        f"SELECT p.idx, {caller_columns}, "
        f"(SELECT {_pk(Message)} {mine} AND {client_id} = p.client), "
        f"(SELECT COUNT(*) {mine} AND {created_at} > %(window_start)s), "
        f"(SELECT MIN({created_at}) {mine} AND {created_at} > %(window_start)s), "
        f"(SELECT MAX({created_at}) {mine}) "
        f"FROM p {caller_joins}"
    )


@functools.lru_cache(maxsize=256)
def _post_names(posts: int) -> tuple[tuple[str, str], ...]:
    """The parameter names of each post's author and client_id."""
    return tuple((f"author_{index}", f"client_{index}") for index in range(posts))


def _advance_seq_sql() -> str:
    return _advance_seq_sql_for(connection.vendor)


@functools.cache
def _advance_seq_sql_for(vendor: str) -> str:
    return f"UPDATE {_table(Space)} SET {_column(Space, 'last_seq')} = %(last_seq)s WHERE {_pk(Space)} = %(space_id)s"


def _insert_sql(messages: int, *, returning: bool) -> str:
    return _insert_sql_for(connection.vendor, messages, returning)


@functools.lru_cache(maxsize=256)
def _insert_sql_for(vendor: str, messages: int, returning: bool) -> str:
    """Parameters: each message's ``<attname>_<i>`` (``_insert_names``)."""
    columns = ", ".join(_name(field) for field in _message_fields())
    rows = ", ".join("(" + ", ".join(f"%({name})s" for name in names) + ")" for names in _insert_names(messages))
    sql = f"INSERT INTO {_table(Message)} ({columns}) VALUES {rows}"
    return sql + (f" RETURNING {_pk(Message)}, {_column(Message, 'seq')}" if returning else "")


@functools.lru_cache(maxsize=256)
def _insert_names(messages: int) -> tuple[tuple[str, ...], ...]:
    """The parameter names of each message's columns, in ``_message_fields`` order."""
    return tuple(tuple(f"{field.attname}_{index}" for field in _message_fields()) for index in range(messages))


@functools.cache
def _message_fields() -> "tuple[Field[Any, Any], ...]":
    return tuple(field for field in Message._meta.concrete_fields if not field.primary_key)


def _from_db(field: "Field[Any, Any]", value: Any) -> Any:
    """A column's value as the ORM would give it (SQLite returns datetimes and JSON as text)."""
    if value is None:
        return None
    column, converters = _converters(connection.vendor, field)
    for converter in converters:
        value = converter(value, column, connection)
    return value


@functools.cache
def _converters(vendor: str, field: "Field[Any, Any]") -> tuple[Any, tuple[Any, ...]]:
    column = field.get_col(field.model._meta.db_table)
    return column, tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))
