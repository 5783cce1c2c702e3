"""hub/bidi.py and the ``isolated`` / ``bdi`` filters: what people wrote keeps its controls, closes
what it opens and cannot close the wrapper around it."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from hub.bidi import balance, isolate

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM = "\u200e", "\u200f"


def open_at_end(text: str) -> int:
    """How many embeddings and isolates ``text`` leaves open, by UAX #9's matching (X1-X8)."""
    open_: list[bool] = []
    for character in text:
        if character in (LRE, RLE, LRO, RLO):
            open_.append(False)
        elif character in (LRI, RLI, FSI):
            open_.append(True)
        elif character == PDF and open_ and not open_[-1]:
            open_.pop()
        elif character == PDI and True in open_:
            while not open_.pop():
                pass
    return len(open_)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("مرحبا hello שלום", "مرحبا hello שלום"),
        (f"{LRM}a{RLM}", f"{LRM}a{RLM}"),  # marks open nothing
        (f"{RLE}abc{PDF}", f"{RLE}abc{PDF}"),  # balanced: unchanged
        (f"{RLI}abc{PDI}", f"{RLI}abc{PDI}"),
        (f"invoice{RLO}fdp.exe", f"invoice{RLO}fdp.exe{PDF}"),  # the attack: closed
        (f"{RLI}abc", f"{RLI}abc{PDI}"),
        (f"{LRI}a{RLO}b", f"{LRI}a{RLO}b{PDF}{PDI}"),  # innermost first
        (f"{RLO}a{LRI}b", f"{RLO}a{LRI}b{PDI}{PDF}"),
        (f"{RLI}a{RLO}b{PDI}c", f"{RLI}a{RLO}b{PDI}c"),  # the PDI closes the override opened inside it
        (f"{LRE}{RLE}{LRO}x{PDF}", f"{LRE}{RLE}{LRO}x{PDF}{PDF}{PDF}"),
        (f"a{PDI}{RLO}b", f"a{RLO}b{PDF}"),  # a PDI with nothing to close would close the wrapper: dropped
        (f"{RLO}a{PDI}b", f"{RLO}ab{PDF}"),  # an override is not an isolate: its PDI is dropped
        (f"a{PDF}b", f"a{PDF}b"),  # a PDF with nothing to close is kept: it cannot close an isolate
        (f"{RLI}a{PDF}b{PDI}", f"{RLI}a{PDF}b{PDI}"),  # a PDF cannot close an isolate
        ("", ""),
    ],
)
def test_balance_closes_what_the_text_opens_and_keeps_the_rest(text, expected):
    assert balance(text) == expected
    assert open_at_end(balance(text)) == 0


def test_deep_nesting_is_closed_in_full():
    text = (RLI + RLO) * 200 + "x"
    balanced = balance(text)
    assert balanced.startswith(text)
    assert open_at_end(balanced) == 0
    assert balanced.count(PDI) == 200 and balanced.count(PDF) == 200


@pytest.mark.parametrize(
    "text", ["plain", f"invoice{RLO}fdp.exe", f"{PDI}{PDI}{RLO}x", f"{RLI}{LRE}x", f"{RLI}a{PDI}b{PDI}c{RLO}"]
)
def test_the_wrapper_is_closed_by_its_own_pdi_and_nothing_leaks_past_it(text):
    wrapped = isolate(text)
    assert wrapped[0] == FSI and wrapped[-1] == PDI
    # Nothing inside closes the wrapper early: the FSI is still open just before the last PDI...
    assert open_at_end(wrapped[:-1]) >= 1
    assert all(open_at_end(wrapped[:end]) >= 1 for end in range(1, len(wrapped)))
    # ...and after it nothing is open: the text that follows is as it would be without the value.
    assert open_at_end(wrapped) == 0
    assert open_at_end(wrapped + f" · Events{RLO}") == 1  # the checker sees a leak when there is one


def test_the_empty_text_stays_empty():
    assert isolate("") == ""


def test_the_filters_in_a_template():
    template = Template(
        "{% load hub_bidi %}<title>{{ name|isolated }} · Hub</title>"
        '<span aria-label="{{ name|isolated }}">{{ name|bdi }}</span>{{ empty|isolated }}{{ empty|bdi }}{{ none|bdi }}'
    )
    html = template.render(Context({"name": f'<b>"x"</b>{RLO}exe', "empty": "", "none": None}))
    assert html == (
        f"<title>{FSI}&lt;b&gt;&quot;x&quot;&lt;/b&gt;{RLO}exe{PDF}{PDI} · Hub</title>"
        f'<span aria-label="{FSI}&lt;b&gt;&quot;x&quot;&lt;/b&gt;{RLO}exe{PDF}{PDI}">'
        f"<bdi>&lt;b&gt;&quot;x&quot;&lt;/b&gt;{RLO}exe</bdi></span>"
    )


def test_isolated_keeps_a_safe_value_safe():
    html = Template("{% load hub_bidi %}{{ value|isolated }}").render(Context({"value": mark_safe("<i>a</i>")}))
    assert html == f"{FSI}<i>a</i>{PDI}"
