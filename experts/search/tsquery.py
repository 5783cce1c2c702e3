"""A ``tsquery`` as PostgreSQL prints it, parsed and evaluated over in-memory postings.

``experts_search_tsquery(words)`` (migration ``experts.0002_search_index``) decides what typed
words mean: their stems in every language, stop words left out, the last word a prefix. Its text
form (``('labour') & ('migration':* | 'migrat')``) is parsed here once per distinct query and
evaluated against ``experts.search.resident``'s postings with the semantics of ``tsvector @@
tsquery``: a lexeme is in the row's vector, ``:*`` any lexeme starting with it, ``&``, ``|``,
``!``. What the function never writes (weights, phrases) is refused (``UnsupportedQuery``), so a
change to it cannot silently change what matches.
"""

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyroaring import AbstractBitMap, BitMap


class UnsupportedQuery(ValueError):
    """The query uses an operator this evaluator does not implement."""


@dataclass(frozen=True)
class Postings:
    """Each lexeme's ids, and the lexemes in order (a prefix's lexemes are a contiguous run)."""

    ids: Mapping[str, AbstractBitMap]
    lexemes: Sequence[str]

    @classmethod
    def of(cls, ids: Mapping[str, AbstractBitMap]) -> "Postings":
        return cls(ids=ids, lexemes=sorted(ids))

    def exact(self, lexeme: str) -> AbstractBitMap:
        found = self.ids.get(lexeme)
        return BitMap() if found is None else found

    def prefixed(self, prefix: str) -> AbstractBitMap:
        start = bisect_left(self.lexemes, prefix)
        found: list[AbstractBitMap] = []
        for lexeme in self.lexemes[start:]:
            if not lexeme.startswith(prefix):
                break
            found.append(self.ids[lexeme])
        return BitMap().union(*found)


@dataclass(frozen=True)
class Lexeme:
    text: str
    prefix: bool


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class And:
    operands: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Node", ...]


Node = Lexeme | Not | And | Or

# One token of tsquery's output: a quoted lexeme ('' is a quote inside) with its optional
# ":*" and weights, or an operator. "<->" and "<N>" are phrase operators.
_TOKEN = re.compile(r"\s*(?:'((?:[^']|'')*)'(?::([*A-Da-d]+))?|(<(?:-|\d+)>)|([()&|!]))")


def _tokens(text: str) -> list[str | Lexeme]:
    tokens: list[str | Lexeme] = []
    position = 0
    while position < len(text):
        if text[position:].isspace():
            break
        match = _TOKEN.match(text, position)
        if match is None:
            raise UnsupportedQuery(f"cannot read tsquery {text!r} at {position}")
        lexeme, flags, phrase, operator = match.groups()
        if phrase is not None:
            raise UnsupportedQuery("phrase operators are not supported")
        if lexeme is not None:
            flags = flags or ""
            if flags.strip("*"):
                raise UnsupportedQuery("weighted lexemes are not supported")
            tokens.append(Lexeme(lexeme.replace("''", "'"), prefix="*" in flags))
        else:
            tokens.append(operator)
        position = match.end()
    return tokens


def parse_tsquery(text: str) -> Node | None:
    """The query ``text`` (tsquery's output) as a tree; None for an empty query (matches nothing)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    position = 0

    def peek() -> str | Lexeme | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str | Lexeme:
        nonlocal position
        if position >= len(tokens):
            raise UnsupportedQuery(f"tsquery {text!r} ends early")
        token = tokens[position]
        position += 1
        return token

    # Priorities as PostgreSQL's: "!" binds tightest, then "&", then "|".
    def either() -> Node:
        operands = [both()]
        while peek() == "|":
            take()
            operands.append(both())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def both() -> Node:
        operands = [single()]
        while peek() == "&":
            take()
            operands.append(single())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def single() -> Node:
        item = take()
        if isinstance(item, Lexeme):
            return item
        if item == "!":
            return Not(single())
        if item == "(":
            inner = either()
            if take() != ")":
                raise UnsupportedQuery(f"unbalanced parentheses in {text!r}")
            return inner
        raise UnsupportedQuery(f"unexpected {item!r} in {text!r}")

    tree = either()
    if position != len(tokens):
        raise UnsupportedQuery(f"trailing tokens in {text!r}")
    return tree


def matching(node: Node | None, postings: Postings, everyone: AbstractBitMap) -> AbstractBitMap:
    """The ids whose vector matches ``node`` (``everyone``: the ids ``!`` is taken against)."""
    if node is None:
        return BitMap()
    if isinstance(node, Lexeme):
        return postings.prefixed(node.text) if node.prefix else postings.exact(node.text)
    if isinstance(node, Not):
        return everyone - matching(node.operand, postings, everyone)
    results = [matching(operand, postings, everyone) for operand in node.operands]
    if isinstance(node, And):
        return results[0].intersection(*results[1:])
    return BitMap().union(*results)
