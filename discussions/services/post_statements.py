"""The statements of posting a message, written out in SQL once instead of built per call.

Posting is the Hub's hottest write, and it runs on the one thread a server process gives to the
database (Channels' ``database_sync_to_async`` is thread-sensitive). Built through the ORM, the
five statements of a post cost about 12 ms of CPU on a small server, most of it compiling
querysets whose text never changes: the post path ran at a fraction of what the fan-out could
deliver. Here each text is made once per database vendor from the models' metadata, so column
names, tables and value adaptation still come from the models, and the statements are portable
between PostgreSQL and SQLite (``FOR UPDATE`` only where the backend has it; SQLite's IMMEDIATE
transactions already serialize writers).

Everything else about a post (the rules it checks, what it publishes) stays in
``discussions.services.messages``.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Field, Model

from discussions.models import Ban, Membership, Message, Mute, Space


@dataclass(frozen=True)
class AuthorHistory:
    """What the author has already posted in the space, read after the space lock is held."""

    original_id: int | None  # the message already stored under this client_id
    nth_latest_at: datetime | None  # created_at of the author's Nth latest message in the window
    latest_at: datetime | None  # created_at of the author's latest message


def locked_space_with_caller(*, slug: str, user_id: int, now: datetime) -> Space | None:
    """The space (row-locked until the transaction ends) with the caller's membership, ban and
    mute as the ``caller_*`` attributes that ``access.access_from_annotated`` reads; ``None`` if no such slug.
    """
    sql, space_columns = _locked_space_sql()
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id, at, user_id, at, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    space_values = [_from_db(field, value) for field, value in zip(space_columns, row, strict=False)]
    space = Space.from_db(connection.alias, [field.attname for field in space_columns], space_values)
    membership_id, role, last_read_seq, banned, mute_id, muted_until = row[len(space_columns) :]
    space.caller_membership_id = membership_id
    space.caller_role = role
    space.caller_last_read_seq = last_read_seq or 0
    space.caller_banned = bool(banned)
    space.caller_muted = mute_id is not None
    space.caller_muted_until = _from_db(Mute._meta.get_field("expires_at"), muted_until)
    return space


def author_history(*, space_id: int, author_id: int, client_id: str | None, since: datetime, nth: int) -> AuthorHistory:
    """The idempotency, rate-limit and slow-mode facts of one post, in one round trip."""
    at = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        cursor.execute(_author_history_sql(), [space_id, author_id, client_id, space_id, author_id, at, nth - 1,
                                               space_id, author_id])  # fmt: skip
        original_id, nth_latest_at, latest_at = cursor.fetchone()
    created_at = Message._meta.get_field("created_at")
    return AuthorHistory(original_id, _from_db(created_at, nth_latest_at), _from_db(created_at, latest_at))


def advance_seq(space: Space) -> int:
    """The space's next seq, written to its (locked) row."""
    space.last_seq += 1
    with connection.cursor() as cursor:
        cursor.execute(_advance_seq_sql(), [space.last_seq, space.pk])
    return space.last_seq


def insert_message(message: Message) -> Message:
    """Insert ``message`` (not yet saved) and set its primary key."""
    sql, fields, returns_id = _insert_message_sql()
    values = [field.get_db_prep_save(field.pre_save(message, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        message.pk = cursor.fetchone()[0] if returns_id else cursor.lastrowid
    message._state.adding = False
    message._state.db = connection.alias
    return message


# --- The statements, made once per vendor ------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    return _quote(model._meta.get_field(name).column)


def _locked_space_sql() -> tuple[str, list[Field]]:
    return _locked_space_sql_for(connection.vendor, connection.features.has_select_for_update_of)


@functools.cache
def _locked_space_sql_for(vendor: str, lock_of: bool) -> tuple[str, list[Field]]:
    fields = list(Space._meta.concrete_fields)
    space_columns = ", ".join(f"s.{_quote(field.column)}" for field in fields)
    space_id = _column(Membership, "space")
    user_id = _column(Membership, "user")
    expires = _column(Ban, "expires_at")
    in_force = "({alias}.{expires} IS NULL OR {alias}.{expires} > %s)"
    sql = (
        f"SELECT {space_columns}, m.{_quote('id')}, m.{_column(Membership, 'role')}, "
        f"m.{_column(Membership, 'last_read_seq')}, b.{_quote('id')}, mu.{_quote('id')}, mu.{expires} "
        f"FROM {_table(Space)} s "
        f"LEFT JOIN {_table(Membership)} m ON m.{space_id} = s.{_quote('id')} AND m.{user_id} = %s "
        f"LEFT JOIN {_table(Ban)} b ON b.{space_id} = s.{_quote('id')} AND b.{user_id} = %s "
        f"AND {in_force.format(alias='b', expires=expires)} "
        f"LEFT JOIN {_table(Mute)} mu ON mu.{space_id} = s.{_quote('id')} AND mu.{user_id} = %s "
        f"AND {in_force.format(alias='mu', expires=expires)} "
        f"WHERE s.{_column(Space, 'slug')} = %s"
    )
    if lock_of:
        sql += " FOR UPDATE OF s"  # the joined rows are read, not locked
    return sql, fields


def _author_history_sql() -> str:
    return _author_history_sql_for(connection.vendor)


@functools.cache
def _author_history_sql_for(vendor: str) -> str:
    table = _table(Message)
    space, author = _column(Message, "space"), _column(Message, "author")
    created_at, client_id = _column(Message, "created_at"), _column(Message, "client_id")
    mine = f"FROM {table} WHERE {space} = %s AND {author} = %s"
    return (
        f"SELECT (SELECT {_quote('id')} {mine} AND {client_id} = %s), "
        f"(SELECT {created_at} {mine} AND {created_at} > %s ORDER BY {created_at} DESC LIMIT 1 OFFSET %s), "
        f"(SELECT MAX({created_at}) {mine})"
    )


def _advance_seq_sql() -> str:
    return _advance_seq_sql_for(connection.vendor)


@functools.cache
def _advance_seq_sql_for(vendor: str) -> str:
    return f"UPDATE {_table(Space)} SET {_column(Space, 'last_seq')} = %s WHERE {_quote('id')} = %s"


def _insert_message_sql() -> tuple[str, list[Field], bool]:
    return _insert_message_sql_for(connection.vendor, connection.features.can_return_columns_from_insert)


@functools.cache
def _insert_message_sql_for(vendor: str, returns_id: bool) -> tuple[str, list[Field], bool]:
    fields = [field for field in Message._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(_quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {_table(Message)} ({columns}) VALUES ({placeholders})"
    if returns_id:
        sql += f" RETURNING {_quote('id')}"
    return sql, fields, returns_id


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
