"""Keep what people wrote from reordering the text around it (issue 14, item 7).

A name, title or description may hold bidirectional controls: embeddings and overrides (U+202A-U+202E,
closed by U+202C), isolates (U+2066-U+2068, closed by U+2069). Writers of Arabic and Hebrew use them,
so they are kept, never stripped; but one left open (``invoice\u202efdp.exe``) reverses whatever follows
it in the same paragraph: the rest of a page title, the words after a name in a sentence.

In element content a page isolates with markup (``dir="auto"`` or ``<bdi>``). Where markup cannot go
(``<title>``, an ``aria-label``) :func:`isolate` wraps the text between FIRST STRONG ISOLATE and POP
DIRECTIONAL ISOLATE, after :func:`balance` has made it close all it opens: otherwise the closing PDI
would close the text's own isolate instead of the wrapper, and a stray PDI in the text would close
the wrapper early. The rules are those of the Unicode Bidirectional Algorithm (UAX #9, X1-X8).
"""

EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO
POP_DIRECTIONAL_FORMATTING = "\u202c"
ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def balance(text: str) -> str:
    """``text`` closing every embedding, override and isolate it opens, and without a PDI that has
    no isolate of its own to close.

    A PDI without its isolate does nothing to the text's own display (UAX #9, X6a), but after it is
    placed inside a wrapper it would close the wrapper: it is the one character dropped. A PDF
    without its embedding is kept: it cannot close an isolate (X7), so it is harmless. What stays
    open at the end is closed in order, innermost first.
    """
    kept: list[str] = []
    # What is open, innermost last: True for an isolate, False for an embedding or override.
    open_: list[bool] = []
    for character in text:
        if character in EMBEDDINGS:
            open_.append(False)
        elif character in ISOLATES:
            open_.append(True)
        elif character == POP_DIRECTIONAL_FORMATTING:
            if open_ and not open_[-1]:
                open_.pop()
        elif character == POP_DIRECTIONAL_ISOLATE:
            if True not in open_:
                continue
            # A PDI closes its isolate and every embedding opened inside it (X6a).
            while not open_.pop():
                pass
        kept.append(character)
    kept.extend(POP_DIRECTIONAL_ISOLATE if is_isolate else POP_DIRECTIONAL_FORMATTING for is_isolate in reversed(open_))
    return "".join(kept)


def isolate(text: str) -> str:
    """``text`` balanced and between FSI and PDI: it takes its own direction (from its first strong
    character) and leaves the text around it as it was. The empty text stays empty."""
    if not text:
        return ""
    return f"{FIRST_STRONG_ISOLATE}{balance(text)}{POP_DIRECTIONAL_ISOLATE}"
