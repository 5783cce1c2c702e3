"""The personal data export (``GET /api/v1/me/export/``): one JSON document, written as it is read.

The document is an object: ``format`` and ``generated_at``, a ``readme`` describing every
section and field (in the caller's language), then one key per section registered in
``accounts.personal_data`` (a list of items, or one object or null). It is produced a chunk at
a time: each section's items come from querysets read with ``iterator(chunk_size=...)``, each
item is encoded on its own, and the bytes go out whenever ``CHUNK_BYTES`` have gathered, so
the memory an export takes does not grow with the user's history (a test holds it to that).

Under ASGI the chunks must come from an *async* iterator, or Django reads the whole sync
iterator into a list first (``StreamingHttpResponse.__aiter__``): ``export_chunks_async`` hands
each next chunk of the sync generator to the request's thread (``sync_to_async``, thread
sensitive, so every step uses the same database connection and its server-side cursors).
"""

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import orjson
from asgiref.sync import sync_to_async
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.personal_data import ExportSection, export_sections, iso, kept_references

FORMAT = "hub-personal-data-export/1"
CHUNK_BYTES = 64 * 1024


def export_readme(sections: list[ExportSection]) -> dict[str, Any]:
    return {
        "about": _(
            "Everything the Migration Network Hub holds about you, as of generated_at. Each key below "
            "'readme' is one section: a list of items, or one object (null when there is nothing). Times "
            "are ISO 8601 in UTC. Other people's private data is not included: a message someone sent you "
            "shows their name on the Hub, never their email address; messages in spaces are yours only."
        ),
        "sections": {
            section.name: {
                "description": str(section.description),
                "type": "object" if section.single else "list",
                "fields": {name: str(description) for name, description in section.fields.items()},
            }
            for section in sections
        },
        "kept_after_deletion": {kept.label: str(kept.reason) for kept in kept_references()},
    }


def _encode(value: Mapping[str, Any] | None) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def export_head() -> dict[str, Any]:
    """The document's first keys. Call it in the view: the README's language is the request's,
    and the chunks are written after the view has returned."""
    return {"format": FORMAT, "generated_at": iso(timezone.now()), "readme": export_readme(export_sections())}


def _document(user: User, head: Mapping[str, Any]) -> Iterator[bytes]:
    """The document's pieces, small and many; ``export_chunks`` gathers them."""
    yield _encode(head)[:-1]  # the object stays open for the sections
    for section in export_sections():
        yield b"," + orjson.dumps(section.name) + b":"
        if section.single:
            yield _encode(next(iter(section.items(user)), None))
            continue
        yield b"["
        separator = b""
        for item in section.items(user):
            yield separator + _encode(item)
            separator = b","
        yield b"]"
    yield b"}"


def export_chunks(user: User, head: Mapping[str, Any]) -> Iterator[bytes]:
    """The export document in chunks of about ``CHUNK_BYTES``."""
    gathered: list[bytes] = []
    size = 0
    for piece in _document(user, head):
        gathered.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            yield b"".join(gathered)
            gathered, size = [], 0
    if gathered:
        yield b"".join(gathered)


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def export_chunks_async(user: User, head: Mapping[str, Any]) -> AsyncIterator[bytes]:
    chunks = export_chunks(user, head)
    next_chunk = sync_to_async(_next_chunk, thread_sensitive=True)
    while (chunk := await next_chunk(chunks)) is not None:
        yield chunk


def export_filename(user: User) -> str:
    return f"hub-export-{user.username}-{timezone.now():%Y-%m-%d}.json"
