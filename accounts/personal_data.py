"""The registry of personal data: what each app exports for a user, and what it erases.

Data rights (PROTOCOL.md, "Accounts"): ``GET /api/v1/me/export/`` writes every registered
*export section* of the caller, and ``DELETE /api/v1/me/`` runs every registered *eraser* inside
one transaction. Accounts knows nothing of the other apps' models: each app registers its own
data from a module named ``personal_data`` (``<app>/personal_data.py``), found by
``autodiscover_modules`` the first time the registry is read, the way the admin finds
``admin.py``. A new app with data about people adds that one module and nothing else.

An app's module calls, at import:

- ``register_export(name, items=..., description=..., fields=..., order=...)``: a top-level key of
  the export, and the items under it (a function of the user that *yields* JSON-able dicts; read
  with ``QuerySet.iterator(chunk_size=EXPORT_CHUNK_SIZE)`` so that the export's memory does not
  grow with the user's history). ``description`` and ``fields`` (field name -> what it holds)
  become the export's README (``readme``), so a reader of the file knows what each value means.
  ``single=True`` for a section that is one object (or null), not a list.
- ``register_eraser(name, erase=..., handles=..., order=...)``: a function of the user run
  inside the deletion transaction, after the user row is locked and before it is scrubbed. The
  user row is *kept* (scrubbed: see ``accounts.erasure``), so nothing cascades: an eraser deletes
  or rewrites its app's rows explicitly. ``handles`` names each foreign key to the user model the
  eraser takes care of (``"discussions.Membership.user"``): the proof test fails for a reference
  to a user that no eraser handles or declares kept (``register_kept_reference``), so a model
  added later with a user column cannot be forgotten.
- ``register_kept_reference(label, reason)``: a foreign key to the user that deliberately stays
  (a message's author: the message stays, shown as a deleted user), with the reason, which the
  README lists too.

Erasers must not publish anything before commit; use ``realtime.publish.publish_on_commit`` (or
``transaction.on_commit``) for what sockets and other processes must hear.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from accounts.models import User

EXPORT_CHUNK_SIZE = 500
"""Rows read per database round trip by the export's querysets (``iterator(chunk_size=...)``)."""

ExportItems = Callable[["User"], Iterable[Mapping[str, Any]]]
Erase = Callable[["User"], None]


@dataclass(frozen=True)
class ExportSection:
    name: str  # the top-level key in the export document
    items: ExportItems
    description: "_StrOrPromise"
    fields: Mapping[str, "_StrOrPromise"]
    order: int
    single: bool = False  # one object (or null) rather than a list


@dataclass(frozen=True)
class Eraser:
    name: str
    erase: Erase
    handles: tuple[str, ...]  # "app_label.Model.field" references to the user model it takes care of
    order: int


@dataclass(frozen=True)
class KeptReference:
    label: str  # "app_label.Model.field"
    reason: "_StrOrPromise"


@dataclass
class _Registry:
    sections: dict[str, ExportSection] = field(default_factory=dict)
    erasers: dict[str, Eraser] = field(default_factory=dict)
    kept: dict[str, KeptReference] = field(default_factory=dict)
    discovered: bool = False


_registry = _Registry()


def register_export(name: str, *, items: ExportItems, description: "_StrOrPromise",
                    fields: Mapping[str, "_StrOrPromise"], order: int, single: bool = False) -> None:  # fmt: skip
    """Registering a name again replaces it (a module may be imported again in tests)."""
    _registry.sections[name] = ExportSection(name, items, description, dict(fields), order, single)


def register_eraser(name: str, *, erase: Erase, handles: Iterable[str] = (), order: int) -> None:
    """``erase(user)`` runs inside the deletion transaction, in ``order`` (lower first)."""
    _registry.erasers[name] = Eraser(name, erase, tuple(handles), order)


def register_kept_reference(label: str, *, reason: "_StrOrPromise") -> None:
    _registry.kept[label] = KeptReference(label, reason)


def _discover() -> None:
    if not _registry.discovered:
        # This module is accounts' own ``personal_data``: the account's data registers from
        # ``accounts.account_data`` instead.
        import_module("accounts.account_data")
        autodiscover_modules("personal_data")
        _registry.discovered = True


def export_sections() -> list[ExportSection]:
    """Every app's sections, in their order (the export writes them in this order)."""
    _discover()
    return sorted(_registry.sections.values(), key=lambda section: (section.order, section.name))


def erasers() -> list[Eraser]:
    _discover()
    return sorted(_registry.erasers.values(), key=lambda eraser: (eraser.order, eraser.name))


def kept_references() -> list[KeptReference]:
    _discover()
    return sorted(_registry.kept.values(), key=lambda kept: kept.label)


def handled_references() -> set[str]:
    """Every ``app_label.Model.field`` to the user model an eraser handles or that is declared kept."""
    return {label for eraser in erasers() for label in eraser.handles} | {kept.label for kept in kept_references()}


def iso(moment: datetime | date | None) -> str | None:
    """A time or date as the API writes it (ISO 8601, UTC with ``Z``)."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")
