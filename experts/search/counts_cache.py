"""Facet counts kept between requests, and never served once the directory has changed.

Counting facets is proportional to the matched set: the bare directory and a word found in most
profiles count every tag of nearly every row (about 1.5 million values at 100,000 experts), far
longer than a request may take, while the page itself stays cheap. Those broad searches are the
few that many people repeat, so their counts are kept in the cache.

The key is the search itself (its table, words and filters) and ``VERSION``, which changes
whenever what the counts mean does: building the counting statement is left to a miss.

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
from typing import Any

from django.core.cache import cache

from experts.search.counting import Counts

logger = logging.getLogger(__name__)

PREFIX = "experts.search.counts:"
VERSION = 1  # bump when the same search would count differently
TIMEOUT = 24 * 60 * 60


def counts_key(*search: Any) -> str:
    """The key of a search's counts: ``search`` is whatever decides them (its repr is hashed)."""
    return f"{PREFIX}{VERSION}:" + hashlib.sha256(repr(search).encode()).hexdigest()


def cached_counts(key: str) -> Counts | None:
    """The counts last stored under ``key``, whatever writes they saw: serve them only when their
    ``state`` is the page's (``valid_counts``); until then they are a hint of the match count."""
    try:
        counts = cache.get(key)
    except Exception:
        logger.warning("facet counts cache unavailable", exc_info=True)
        return None
    return counts if isinstance(counts, Counts) else None


def valid_counts(counts: Counts | None, state: str) -> Counts | None:
    """``counts`` if they were counted from the writes ``state`` fingerprints."""
    return counts if counts is not None and counts.state == state else None


def store_counts(key: str, counts: Counts) -> None:
    try:
        cache.set(key, counts, TIMEOUT)
    except Exception:
        logger.warning("facet counts cache unavailable", exc_info=True)
