"""How well an expert's profile matches a question's text, on each engine: a number ≥ 0, 0 when no
word of the question is in the profile.

The same full-text index as the directory (``experts.search``): PostgreSQL's weighted
``search_document`` (names A; title, organization and keywords B; biography C) ranked by
``ts_rank`` against ``experts_any_word_tsquery`` (migration ``experts.0004``: any word, each any of
its stems), scaled into [0, 1); SQLite's FTS5 table ranked by ``bm25`` with the directory's column
weights, scaled the same way. A question is prose, so unlike the directory's query (every word
required) any word may match, and the rank says how many and how well.
"""

import re

from django.db import connection
from django.db.models import FloatField

from experts.search.tables import EXPERT_TABLE, TableSQL
from experts.search.words import MAX_WORD_LENGTH, WORD

# A question's distinct words ranked at most (its first ones): enough for a long question, and
# each is a few index lookups.
MAX_QUESTION_WORDS = 32
# Mentions name people and groups, not the subject ("@objective-9-experts" would match every
# profile that says "experts").
_MENTION = re.compile(r"(?<![\w@])@[\w.+-]+")


def question_words(text: str) -> list[str]:
    """The distinct words of ``text`` (first appearance first, mentions left out), at most
    ``MAX_QUESTION_WORDS``, each cut to ``MAX_WORD_LENGTH``."""
    seen: dict[str, str] = {}
    for word in WORD.findall(_MENTION.sub(" ", text)):
        seen.setdefault(word.casefold(), word[:MAX_WORD_LENGTH])
        if len(seen) == MAX_QUESTION_WORDS:
            break
    return list(seen.values())


def relevance_expression(words: list[str]) -> TableSQL:
    """The rank of the expert row against ``words`` (precondition: ``words`` is not empty)."""
    if connection.vendor == "postgresql":
        return TableSQL(
            "CASE WHEN {table}.search_document @@ experts_any_word_tsquery(%s::text[])"
            " THEN ts_rank({table}.search_document, experts_any_word_tsquery(%s::text[]), 32) ELSE 0 END",
            (words, words),
            FloatField(),
        )
    fts = EXPERT_TABLE.fts_table
    weights = ", ".join(str(weight) for weight in EXPERT_TABLE.fts_weights)
    # Each word quoted: a plain FTS5 string whatever it spells (AND, NEAR); any of them may match.
    any_word = " OR ".join(f'"{word}"' for word in words)
    return TableSQL(
        f"COALESCE((SELECT -bm25({fts}, {weights}) / (1 - bm25({fts}, {weights}))"  # noqa: S608 (identifiers from the code)
        f" FROM {fts} WHERE {fts} MATCH %s AND {fts}.rowid = {{table}}.id), 0)",
        (any_word,),
        FloatField(),
    )
