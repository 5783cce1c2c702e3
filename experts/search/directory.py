"""The expert directory's search on PostgreSQL: ids from the resident index, rows from the database.

The words' ``tsquery`` comes from ``experts_search_tsquery`` (once per distinct words: the
function is IMMUTABLE), the matching and filtered ids and every facet count from the process's
in-memory index (``experts.search.resident``), and the page from one statement that reads and
ranks only the candidates' rows. So a search costs one small statement for the change log and
one for the page, whatever the words match; a search whose words were never seen by this
process adds one, and pages past the ranked candidates one more.

The ranking is the same as ``experts.search._ranked_page`` on SQLite and for resources: the
first ``NAMES_WINDOW`` matches (in id order) whose names match and the first ``RANK_WINDOW``
matches are ranked; the other matches follow in id order.
"""

import threading
from collections import OrderedDict

from django.db import connection
from django.db.models import BooleanField, QuerySet
from pyroaring import AbstractBitMap, BitMap

from experts.models import Expert
from experts.search import postgres
from experts.search.facets import EXPERT_FACETS, all_of
from experts.search.queries import ExpertQuery, Facets, SearchPage
from experts.search.resident import DirectoryIndex, current_index
from experts.search.tables import EXPERT_TABLE, TableSQL
from experts.search.tsquery import Node, matching, parse_tsquery
from experts.search.windows import NAMES_WINDOW, RANK_WINDOW
from experts.search.words import query_words

# Up to this many experts, a page in name order is read by their ids (see _by_name).
FEW_BY_ID = 300
# Distinct word lists whose tsquery this process keeps (each a few hundred bytes).
TSQUERY_CACHE_SIZE = 10_000

_tsqueries: OrderedDict[tuple[str, ...], Node | None] = OrderedDict()
_tsqueries_lock = threading.Lock()


def search_directory(query: ExpertQuery, *, offset: int, limit: int) -> SearchPage[Expert]:
    """A page of the directory: by relevance then id when ``q`` is given, else by name then id."""
    words = query_words(query.q)
    index = current_index()
    tsquery = _tsquery(tuple(words)) if words else None
    matched = matching(tsquery, index.document, index.everyone) if words else index.everyone
    if query.verified is not None:
        matched = matched & index.verified if query.verified else matched - index.verified
    filters = {
        facet.name: index.any_of(facet.name, values)
        for facet in EXPERT_FACETS
        if (values := getattr(query, facet.attribute))
    }
    filtered = matched.intersection(*filters.values())
    facets = _facet_counts(index, matched, filters)
    experts = Expert.objects.select_related("user")
    if not words:
        page = _by_name(experts, query, filtered, offset=offset, limit=limit)
    else:
        names = matching(tsquery, index.names, index.everyone) & filtered
        page = _by_relevance(experts, words, filtered, names, offset=offset, limit=limit)
    return SearchPage(results=page, count=len(filtered), facets=facets)


def _tsquery(words: tuple[str, ...]) -> Node | None:
    """What the words mean, as the database's ``experts_search_tsquery`` says (kept per process)."""
    with _tsqueries_lock:
        if words in _tsqueries:
            _tsqueries.move_to_end(words)
            return _tsqueries[words]
    with connection.cursor() as cursor:
        cursor.execute("SELECT experts_search_tsquery(%s::text[])::text", [list(words)])
        (text,) = cursor.fetchone()
    node = parse_tsquery(text) if text else None
    with _tsqueries_lock:
        _tsqueries[words] = node
        while len(_tsqueries) > TSQUERY_CACHE_SIZE:
            _tsqueries.popitem(last=False)
    return node


def _facet_counts(index: DirectoryIndex, matched: AbstractBitMap, filters: dict[str, AbstractBitMap]) -> Facets:
    """Each facet's values counted over the matches passing every *other* filter, most first."""
    facets: Facets = {}
    for facet in EXPERT_FACETS:
        others = [ids for name, ids in filters.items() if name != facet.name]
        counted = matched.intersection(*others) if others else matched
        counts = [(value, counted.intersection_cardinality(ids)) for value, ids in index.values_of(facet.name)]
        facets[facet.name] = {value: n for value, n in sorted(counts, key=lambda vn: (-vn[1], vn[0])) if n > 0}
    return facets


def _by_name(
    experts: QuerySet[Expert], query: ExpertQuery, filtered: AbstractBitMap, *, offset: int, limit: int
) -> list[Expert]:
    """The page in name order. A few hundred experts are read by their ids and sorted; more, by
    the filters in SQL, which PostgreSQL answers from the (name, id) index or the tag lists' GIN
    indexes, whichever the filters' selectivity favours (measured at 100,000 experts: 1,700 ids
    sorted by name 11 ms, the same set by its filter 1-8 ms; 170-320 ids 2-3 ms either way)."""
    if not filtered:
        return []
    if len(filtered) <= FEW_BY_ID:
        return list(experts.filter(_id_in(filtered)).order_by("name", "id")[offset : offset + limit])
    conditions = [facet.condition(values) for facet in EXPERT_FACETS if (values := getattr(query, facet.attribute))]
    if query.verified is not None:
        experts = experts.filter(verified=query.verified)
    return list(experts.filter(all_of(conditions)).order_by("name", "id")[offset : offset + limit])


def _by_relevance(
    experts: QuerySet[Expert],
    words: list[str],
    filtered: AbstractBitMap,
    names: AbstractBitMap,
    *,
    offset: int,
    limit: int,
) -> list[Expert]:
    """The ranked candidates first (names hits above the rest, then ``ts_rank``), then the other
    matches in id order."""
    candidates = BitMap(names[:NAMES_WINDOW]) | BitMap(filtered[:RANK_WINDOW])
    page: list[Expert] = []
    if offset < len(candidates):
        ranked = experts.filter(_id_in(candidates)).annotate(search_rank=postgres.text_rank(EXPERT_TABLE, words))
        page = list(ranked.order_by("-search_rank", "id")[offset : offset + limit])
    missing = limit - len(page)
    if missing > 0 and len(filtered) > len(candidates):
        rest = filtered - candidates
        start = max(offset - len(candidates), 0)
        if start < len(rest):
            page += list(experts.filter(_id_in(rest[start : start + missing])).order_by("id"))
    return page


def _id_in(ids: AbstractBitMap) -> TableSQL:
    """The row is one of ``ids``: one array parameter however many there are (``IN`` would
    write one placeholder each)."""
    return TableSQL("{table}.id = ANY(%s)", (list(ids),), BooleanField())
