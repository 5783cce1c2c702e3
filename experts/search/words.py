"""The words of a typed query, as both engines take them."""

import re

# Runs of letters and digits: punctuation, quotes and operators never reach an engine's parser.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 12
MAX_WORD_LENGTH = 64


def query_words(q: str) -> list[str]:
    """The first ``MAX_WORDS`` words of ``q`` (each cut to ``MAX_WORD_LENGTH``); empty: no text search."""
    return [word[:MAX_WORD_LENGTH] for word in WORD.findall(q)[:MAX_WORDS]]
