"""The expert directory held in each process's memory, for counting facets as search engines do.

PostgreSQL answers a page of the directory in a few milliseconds, but a word found in most
profiles ("migration") matches tens of thousands of rows, and both the match and the facet
counts over it then read every one of them: over 100 ms at 100,000 experts, whatever the SQL.
Faceted engines (Lucene, Solr, Elasticsearch) count instead over per-term and per-value sets of
document ids held in memory. This module keeps those sets for experts in compressed bitmaps
(pyroaring, CRoaring's binding): the lexemes of the stored ``search_document`` and
``search_names`` vectors and the ``"facet:value"`` words of ``search_facets``, each with the ids
of the experts carrying it, and the verified experts. The database stays the only truth: the
sets are read from the same ``tsvector`` columns the GIN indexes cover, and ``@@`` keeps its
meaning (``experts.search.tsquery``). About 8 MB and two seconds of loading at 100,000 experts.

Kept current from ``experts_search_change``: each statement that writes experts logs the ids it
touched (migration ``experts.0003_search_change_rows``). Every search first reads the ids of the
log's rows (one small statement); rows it has not applied name experts to reload, and rows that
vanished (pruned after a day, or rolled back: a test's transaction) name experts reloaded too.
Reloading reads an expert's *current* state, so applying a change twice or late is harmless, and
a write that commits after the log was read is seen by the next search. A TRUNCATE, a change
larger than a fifth of the directory, or half a day without a look (the log may have been pruned
meanwhile) rebuilds the whole index.

Readers take the current ``DirectoryIndex`` (immutable) and never see one half updated: an update
builds the next one beside it and swaps the reference, under a lock so two threads do not both
rebuild.
"""

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import connection
from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

from experts.search.tsquery import Postings

logger = logging.getLogger(__name__)

# Past a fifth of the directory (and a thousand experts), reloading the changed experts costs
# more than reading everything again.
REBUILD_FRACTION = 0.2
REBUILD_MINIMUM = 1_000
# Younger than the log's pruning horizon (a day), so no change can be missed; a search that finds
# the log unchanged records that it looked once the last record is an hour old.
STALE_AFTER = timedelta(hours=12)
STAMP_AFTER = timedelta(hours=1)
EVERY_ROW = "*"  # the facet word every row carries

_READ_CHANGES = "SELECT coalesce(array_agg(id), '{}'), clock_timestamp() FROM experts_search_change"
_READ_CHANGE_ROWS = "SELECT id, expert_ids FROM experts_search_change WHERE id = ANY(%s)"
# The lexemes of each vector of the given experts (or all), grouped by lexeme in the database.
_READ_POSTINGS = """
SELECT 0, lexeme, array_agg(id) FROM experts_expert, unnest(tsvector_to_array(search_document)) AS lexeme
  {where} GROUP BY lexeme
UNION ALL
SELECT 1, lexeme, array_agg(id) FROM experts_expert, unnest(tsvector_to_array(search_names)) AS lexeme
  {where} GROUP BY lexeme
UNION ALL
SELECT 2, lexeme, array_agg(id) FROM experts_expert, unnest(tsvector_to_array(search_facets)) AS lexeme
  {where} GROUP BY lexeme
UNION ALL
SELECT 3, 'verified', coalesce(array_agg(id), '{{}}') FROM experts_expert WHERE verified {and_where}
"""
_DOCUMENT, _NAMES, _FACETS, _VERIFIED = range(4)


@dataclass(frozen=True)
class DirectoryIndex:
    """The directory's id sets as of the log rows in ``changes`` (log id → expert ids, or None:
    unknown rows); ``checked_at`` is the database's clock when the log was last read."""

    document: Postings
    names: Postings
    facets: Mapping[str, AbstractBitMap]
    verified: AbstractBitMap
    changes: Mapping[int, tuple[int, ...] | None]
    checked_at: datetime

    @property
    def everyone(self) -> AbstractBitMap:
        return self.facets.get(EVERY_ROW) or FrozenBitMap()

    def any_of(self, facet: str, values: Iterable[str]) -> AbstractBitMap:
        """The experts carrying at least one of ``values`` of ``facet``."""
        return BitMap().union(*(self.facets[word] for value in values if (word := f"{facet}:{value}") in self.facets))

    def values_of(self, facet: str) -> list[tuple[str, AbstractBitMap]]:
        return self._by_facet.get(facet, [])

    @cached_property
    def _by_facet(self) -> dict[str, list[tuple[str, AbstractBitMap]]]:
        # Grouped once per index, not once per search and facet.
        grouped: dict[str, list[tuple[str, AbstractBitMap]]] = {}
        for word, ids in self.facets.items():
            facet, colon, value = word.partition(":")
            if colon:
                grouped.setdefault(facet, []).append((value, ids))
        return grouped


_current: DirectoryIndex | None = None
_lock = threading.Lock()


def current_index() -> DirectoryIndex:
    """The index as of this connection's snapshot of the change log (at least; maybe newer)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ_CHANGES)
        log_ids, now = cursor.fetchone()
    index = _current
    if index is not None and set(log_ids) == index.changes.keys() and now - index.checked_at < STALE_AFTER:
        if now - index.checked_at > STAMP_AFTER:
            _stamped(index, now)  # looked at: a quiet directory is not rebuilt every STALE_AFTER
        return index
    with _lock:
        return _updated(log_ids, now)


def _stamped(index: DirectoryIndex, now: datetime) -> None:
    global _current
    with _lock:
        if _current is index:  # not if another thread has just put a newer one in its place
            _current = _checked(index, dict(index.changes), now)


def forget_index() -> None:
    """Drop this process's index (tests that swap databases; the next search rebuilds it)."""
    global _current
    with _lock:
        _current = None


def _updated(log_ids: list[int], now: datetime) -> DirectoryIndex:
    global _current
    index = _current
    changes: dict[int, tuple[int, ...] | None] = {}
    if index is not None and now - index.checked_at < STALE_AFTER:
        in_log = set(log_ids)
        new_ids = [change for change in log_ids if change not in index.changes]
        vanished = [change for change in index.changes if change not in in_log]
        changes = {change: ids for change, ids in index.changes.items() if change in in_log}
        changes.update(_change_rows(new_ids))
        touched = [changes.get(change) for change in new_ids] + [index.changes[change] for change in vanished]
        if all(ids is not None for ids in touched):
            changed = BitMap(id_ for ids in touched if ids is not None for id_ in ids)
            if len(changed) <= max(REBUILD_FRACTION * len(index.everyone), REBUILD_MINIMUM):
                _current = _reloaded(index, changed, changes, now) if changed else _checked(index, changes, now)
                return _current
    else:
        changes = _change_rows(log_ids)
    _current = _built(changes, now)
    return _current


def _change_rows(log_ids: list[int]) -> dict[int, tuple[int, ...] | None]:
    """The expert ids of these log rows (None: unknown); a row gone meanwhile is unknown too."""
    found: dict[int, tuple[int, ...] | None] = dict.fromkeys(log_ids)
    if log_ids:
        with connection.cursor() as cursor:
            cursor.execute(_READ_CHANGE_ROWS, [log_ids])
            found.update({change: None if ids is None else tuple(ids) for change, ids in cursor.fetchall()})
    return found


def _checked(index: DirectoryIndex, changes: dict[int, tuple[int, ...] | None], now: datetime) -> DirectoryIndex:
    return DirectoryIndex(index.document, index.names, index.facets, index.verified, changes, now)


def _read(where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, AbstractBitMap]]:
    """Per vector (document, names, facets, verified): each lexeme's ids, of the rows ``where`` selects."""
    sql = _READ_POSTINGS.format(where=f"WHERE {where}" if where else "", and_where=f"AND {where}" if where else "")
    found: list[dict[str, AbstractBitMap]] = [{}, {}, {}, {}]
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 4)
        for vector, lexeme, ids in cursor.fetchall():
            found[vector][lexeme] = FrozenBitMap(ids)
    return found


def _built(changes: Mapping[int, tuple[int, ...] | None], now: datetime) -> DirectoryIndex:
    document, names, facets, verified = _read()
    logger.info("expert directory index built: %d experts, %d lexemes", len(facets.get(EVERY_ROW, ())), len(document))
    return DirectoryIndex(
        document=Postings.of(document),
        names=Postings.of(names),
        facets=facets,
        verified=verified.get("verified") or FrozenBitMap(),
        changes=changes,
        checked_at=now,
    )


def _patched(
    sets: Mapping[str, AbstractBitMap], changed: AbstractBitMap, fresh: Mapping[str, AbstractBitMap]
) -> dict[str, AbstractBitMap]:
    """``sets`` with the ``changed`` ids taken out and the ``fresh`` sets (those ids' current
    words) put in; words left without ids go."""
    patched: dict[str, AbstractBitMap] = {}
    for word, ids in sets.items():
        if word in fresh or ids.intersect(changed):
            ids = FrozenBitMap((ids - changed) | fresh.get(word, FrozenBitMap()))
        if ids:
            patched[word] = ids
    for word, ids in fresh.items():
        if word not in sets:
            patched[word] = FrozenBitMap(ids)
    return patched


def _reloaded(
    index: DirectoryIndex, changed: BitMap, changes: Mapping[int, tuple[int, ...] | None], now: datetime
) -> DirectoryIndex:
    """``index`` with the ``changed`` experts read again (those deleted are no longer anywhere)."""
    document, names, facets, verified = _read("id = ANY(%s)", (list(changed),))
    patched_document = _patched(index.document.ids, changed, document)
    patched_names = _patched(index.names.ids, changed, names)
    return DirectoryIndex(
        document=Postings.of(patched_document),
        names=Postings.of(patched_names),
        facets=_patched(index.facets, changed, facets),
        verified=FrozenBitMap((index.verified - changed) | verified.get("verified", FrozenBitMap())),
        changes=changes,
        checked_at=now,
    )
