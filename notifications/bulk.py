"""Telling many people the same thing at once: ``notification_create`` for a crowd, set-based.

An event announcement reaches every subscriber of its objectives and regions: tens of thousands
of rows. ``notifications_create_many`` writes them without a query (or a Python object) per
recipient, and without a task per recipient:

- title and body are rendered once per language (the six UN languages and "not chosen"), not once
  per recipient, and stored rendered as ``notification_create`` stores them;
- on PostgreSQL one statement inserts every notification (``INSERT … SELECT`` from the users,
  joined to the rendered texts by language, ``ON CONFLICT (recipient, kind, source_key) DO
  NOTHING RETURNING``) and, in the same statement, the ``EmailDelivery`` rows of the recipients
  that were really new, have an address and want email at once (no preference row: "immediate");
- elsewhere (SQLite, the embedded mode) the same in batches with ``bulk_create``: the rows that
  already exist are read first (SQLite lets one writer in at a time, so nothing can slip in
  between), then inserted with ``ignore_conflicts`` and read back for their ids.

Both ways give the same rows (``tests/notifications/test_bulk.py`` checks that they agree on random
inputs). Running it twice creates nothing new. After the caller's transaction commits, the emails
are queued as ``notifications.tasks.send_notification_emails`` tasks of
``NOTIFICATION_EMAIL_CHUNK`` deliveries each (each chunk goes out over one SMTP connection, each
message claimed before it is sent: ``notifications.delivery``) and the new notifications are
pushed to the recipients' sockets (``notifications.live``). A chunk that cannot be queued (the
broker is down) stays pending and the beat sweep queues it later.
"""

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator

from accounts.models import User
from notifications import live
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services import TITLE_MAX_CHARS, language_of

logger = logging.getLogger(__name__)

# Recipients per statement on the batched path (SQLite allows at most 32,766 parameters to one).
BATCH_SIZE = 500

# The languages a recipient can have (``User.language``): the six UN languages and "not chosen".
_LANGUAGES: tuple[str, ...] = ("", *User.Language.values)

Recipients = QuerySet[Any] | Iterable[int]


@dataclass(frozen=True)
class RenderedText:
    """The title and body of one notification in one language."""

    title: str
    body: str


@dataclass(frozen=True)
class Created:
    """What one call created: the new notifications and the email deliveries among them."""

    notification_ids: list[int]
    delivery_ids: list[int]


def notifications_create_many(
    recipient_ids: Recipients,
    *,
    kind: Notification.Kind,
    title: str | Promise,
    body: str | Promise = "",
    params: Mapping[str, object] | None = None,
    url: str = "",
    source_key: str,
    email: bool = True,
) -> int:
    """Tell every user in ``recipient_ids`` the same thing, once per (recipient, kind, source_key).

    ``recipient_ids`` is a queryset of user ids (``…values("user_id")`` or ``values_list(…,
    flat=True)``: it becomes a subquery, nothing is read into Python on PostgreSQL) or ids. Ids of
    users that do not exist are left out. Returns how many notifications were created (a repeat
    creates none). The other arguments are those of ``notification_create``: ``title``/``body``
    may be lazy translations with ``%(name)s`` placeholders, rendered in each recipient's language;
    without ``email`` the notifications are in-app only (``by_email`` false: no digest either).

    Call it inside the caller's transaction: the rows commit or roll back with it, and the emails
    and live pushes start after the commit. Precondition on PostgreSQL: the caller keeps one call
    to a few tens of thousands of recipients (one statement; ``events.services.announcements``
    calls it per batch so that emails start while the next batch is written).
    """
    if url and not url.startswith("/"):
        raise ValueError(f"notification url must be a path on the Hub, got {url!r}")
    texts = rendered_texts(title=title, body=body, params=params)
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            created = _insert_by_statement(
                recipient_ids, texts=texts, kind=kind, url=url, source_key=source_key, email=email, now=now
            )
        else:
            created = _insert_in_batches(
                recipient_ids, texts=texts, kind=kind, url=url, source_key=source_key, email=email, now=now
            )
        if created.notification_ids:
            _deliver_on_commit(created)
    return len(created.notification_ids)


def rendered_texts(
    *, title: str | Promise, body: str | Promise, params: Mapping[str, object] | None
) -> dict[str, RenderedText]:
    """Title and body rendered once in each language a recipient can have, keyed by ``User.language``."""
    texts: dict[str, RenderedText] = {}
    for code in _LANGUAGES:
        with translation.override(language_of(User(language=code))):
            rendered_title = Truncator(_rendered(title, params).strip()).chars(TITLE_MAX_CHARS)
            texts[code] = RenderedText(title=rendered_title, body=_rendered(body, params))
    return texts


def _rendered(text: str | Promise, params: Mapping[str, object] | None) -> str:
    """``text`` in the active language with its ``%(name)s`` placeholders filled in."""
    rendered = str(text)
    return rendered % {name: str(value) for name, value in params.items()} if params else rendered


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


# --- PostgreSQL: one statement -----------------------------------------------------------------


def _recipients_sql(recipient_ids: Recipients) -> tuple[str, list[Any]]:
    """A subquery (SQL, params) selecting the recipients' user ids."""
    if isinstance(recipient_ids, QuerySet):
        sql, params = recipient_ids.query.sql_with_params()
        return sql, list(params)
    return "SELECT unnest(%s::bigint[])", [sorted({int(pk) for pk in recipient_ids})]


def _column_defaults(model: type[models.Model], given: set[str]) -> list[tuple[str, Any]]:
    """(column, value) for the concrete fields the statement does not set itself: their Python
    defaults, so that a field added later with a default does not break the raw insert."""
    defaults = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        defaults.append((str(field.column), field.get_default()))
    return defaults


def _insert_by_statement(
    recipient_ids: Recipients,
    *,
    texts: Mapping[str, RenderedText],
    kind: str,
    url: str,
    source_key: str,
    email: bool,
    now: datetime,
) -> Created:
    user_table = User._meta.db_table
    notification_table = Notification._meta.db_table
    delivery_table = EmailDelivery._meta.db_table
    preference_table = NotificationPreference._meta.db_table
    recipients_sql, recipients_params = _recipients_sql(recipient_ids)

    text_rows = ", ".join(["(%s, %s, %s)"] * len(texts))
    text_params: list[Any] = [value for code, text in texts.items() for value in (code, text.title, text.body)]
    known_languages = ", ".join(["%s"] * len(texts))

    notification_given = {"recipient_id", "kind", "title", "body", "url", "source_key", "created_at", "by_email"}
    notification_rest = _column_defaults(Notification, notification_given)
    delivery_given = {"notification_id", "state", "created_at"}
    delivery_rest = _column_defaults(EmailDelivery, delivery_given)

    def columns(rest: list[tuple[str, Any]]) -> str:
        return "".join(f", {connection.ops.quote_name(column)}" for column, _value in rest)

    def placeholders(rest: list[tuple[str, Any]]) -> str:
        return "".join(", %s" for _rest in rest)

    # The emails: new notifications only (RETURNING of the insert), to recipients with an address
    # whose preference is "immediate" (no preference row: the default, immediate).
    deliveries = f"""
        INSERT INTO {delivery_table} (notification_id, state, created_at{columns(delivery_rest)})
        SELECT created.id, %s, %s{placeholders(delivery_rest)}
        FROM created
        JOIN recipients ON recipients.id = created.recipient_id
        LEFT JOIN {preference_table} preference ON preference.user_id = created.recipient_id
        WHERE recipients.email <> '' AND COALESCE(preference.email, %s) = %s
        ORDER BY created.id
        RETURNING id
    """  # noqa: S608 (table and column names from the models; every value is a parameter)
    sql = f"""
        WITH texts (language, title, body) AS (VALUES {text_rows}),
        recipients AS (
            SELECT id, email,
                   CASE WHEN language IN ({known_languages}) THEN language ELSE '' END AS language
            FROM {user_table} WHERE id IN ({recipients_sql})
        ),
        created AS (
            INSERT INTO {notification_table}
                (recipient_id, kind, title, body, url, source_key, created_at, by_email{columns(notification_rest)})
            SELECT recipients.id, %s, texts.title, texts.body, %s, %s, %s, %s{placeholders(notification_rest)}
            FROM recipients JOIN texts ON texts.language = recipients.language
            ORDER BY recipients.id
            ON CONFLICT (recipient_id, kind, source_key) DO NOTHING
            RETURNING id, recipient_id
        ),
        deliveries AS ({deliveries if email else "SELECT NULL::bigint AS id WHERE false"})
        SELECT (SELECT array_agg(id ORDER BY id) FROM created), (SELECT array_agg(id ORDER BY id) FROM deliveries)
    """  # noqa: S608 (table and column names from the models; every value is a parameter)
    params: list[Any] = [
        *text_params,
        *texts.keys(),
        *recipients_params,
        kind,
        url,
        source_key,
        now,
        email,
        *(value for _column, value in notification_rest),
    ]
    if email:
        immediate = NotificationPreference.Email.IMMEDIATE.value
        params += [EmailDelivery.State.PENDING.value, now, *(v for _c, v in delivery_rest), immediate, immediate]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    notification_ids, delivery_ids = row if row else (None, None)
    return Created(notification_ids=list(notification_ids or []), delivery_ids=list(delivery_ids or []))


# --- Any database: batches through the ORM ----------------------------------------------------


def _recipient_id_batches(recipient_ids: Recipients) -> Iterator[list[int]]:
    if isinstance(recipient_ids, QuerySet):
        ids: Iterable[int] = User.objects.filter(pk__in=recipient_ids).order_by("pk").values_list("pk", flat=True)
    else:
        ids = sorted({int(pk) for pk in recipient_ids})
    yield from _chunks(list(ids), BATCH_SIZE)


def _insert_in_batches(
    recipient_ids: Recipients,
    *,
    texts: Mapping[str, RenderedText],
    kind: str,
    url: str,
    source_key: str,
    email: bool,
    now: datetime,
) -> Created:
    """The same rows as ``_insert_by_statement``, through the ORM (precondition: inside a
    transaction that no other writer can interleave with between the read and the insert, as on
    SQLite; elsewhere a row inserted meanwhile would be counted as created here too)."""
    notification_ids: list[int] = []
    delivery_ids: list[int] = []
    for batch in _recipient_id_batches(recipient_ids):
        already = set(
            Notification.objects.filter(kind=kind, source_key=source_key, recipient_id__in=batch).values_list(
                "recipient_id", flat=True
            )
        )
        users = list(
            User.objects.filter(pk__in=[pk for pk in batch if pk not in already])
            .order_by("pk")
            .values_list("pk", "email", "language")
        )
        if not users:
            continue
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    kind=kind,
                    title=texts.get(language, texts[""]).title,
                    body=texts.get(language, texts[""]).body,
                    url=url,
                    source_key=source_key,
                    created_at=now,
                    by_email=email,
                )
                for pk, _email, language in users
            ],
            ignore_conflicts=True,
        )
        created = dict(
            Notification.objects.filter(
                kind=kind, source_key=source_key, recipient_id__in=[pk for pk, _e, _l in users]
            ).values_list("recipient_id", "pk")
        )
        notification_ids += sorted(created.values())
        if not email:
            continue
        not_immediate = set(
            NotificationPreference.objects.filter(user_id__in=list(created))
            .exclude(email=NotificationPreference.Email.IMMEDIATE)
            .values_list("user_id", flat=True)
        )
        emailed = sorted(
            created[pk] for pk, address, _language in users if pk in created and address and pk not in not_immediate
        )
        EmailDelivery.objects.bulk_create(
            [EmailDelivery(notification_id=pk, created_at=now) for pk in emailed], ignore_conflicts=True
        )
        delivery_ids += (
            EmailDelivery.objects.filter(notification_id__in=emailed).order_by("pk").values_list("pk", flat=True)
        )
    return Created(notification_ids=sorted(notification_ids), delivery_ids=sorted(delivery_ids))


# --- After the commit ---------------------------------------------------------------------------


def _deliver_on_commit(created: Created) -> None:
    """Queue the emails and the live pushes of ``created`` for after the current transaction."""
    if created.delivery_ids:
        delivery_ids = created.delivery_ids

        # A function, not a partial: Django names a robust callback that failed by its __qualname__.
        def enqueue_emails() -> None:
            email_tasks_enqueue(delivery_ids)

        transaction.on_commit(enqueue_emails, robust=True)
    live.push_notifications_on_commit(created.notification_ids)


def email_tasks_enqueue(delivery_ids: Sequence[int]) -> int:
    """Queue ``send_notification_emails`` for ``delivery_ids`` in chunks of NOTIFICATION_EMAIL_CHUNK,
    over one broker connection; returns how many tasks were queued.

    A chunk that cannot be queued raises (the broker is down): its rows and the later chunks' stay
    pending, and ``sweep_notification_emails`` queues them once the broker is back.
    """
    from notifications.tasks import send_notification_emails  # the tasks module imports services

    chunks = list(_chunks(list(delivery_ids), settings.NOTIFICATION_EMAIL_CHUNK))
    with send_notification_emails.app.producer_or_acquire() as producer:
        for chunk in chunks:
            send_notification_emails.apply_async((chunk,), producer=producer)
    return len(chunks)
