"""Facet counts kept between requests, and never served once the directory has changed.

Counting facets is proportional to the matched set: the bare directory and a word found in most
profiles count every tag of nearly every row (about 1.5 million values at 100,000 experts), far
longer than a request may take, while the page itself stays cheap. Those broad searches are the
few that many people repeat, so their counts are kept in the cache, keyed by the counting
statement itself (its SQL and parameters: the same search, the same key).

A cached entry is served only when the database says nothing changed since it was counted: each
statement that writes experts adds a row to ``experts_search_change`` (a statement trigger,
migration ``experts.0002_search_index``), and the page's own statement reads a fingerprint of
the rows there that its snapshot sees. The counting statement reads the fingerprint of its own
snapshot, stored with the counts. Equal fingerprints, same committed writes, same counts: a
write committed between the two statements, or rolled back, changes or never matches the
fingerprint (its row id is never reused). The cache failing is a miss, never an error.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from experts.search.queries import Facets

logger = logging.getLogger(__name__)

PREFIX = "experts.search.counts:"
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class Counts:
    """How many rows match, each facet's counts, and the fingerprint of the writes they saw."""

    state: str
    count: int
    facets: Facets


def counts_key(sql: str, params: Any) -> str:
    return PREFIX + hashlib.sha256(repr((sql, params)).encode()).hexdigest()


def cached_counts(key: str, state: str) -> Counts | None:
    """The counts under ``key`` if they were counted from the writes ``state`` fingerprints."""
    try:
        counts = cache.get(key)
    except Exception:
        logger.warning("facet counts cache unavailable", exc_info=True)
        return None
    if isinstance(counts, Counts) and counts.state == state:
        return counts
    return None


def store_counts(key: str, counts: Counts) -> None:
    try:
        cache.set(key, counts, TIMEOUT)
    except Exception:
        logger.warning("facet counts cache unavailable", exc_info=True)
