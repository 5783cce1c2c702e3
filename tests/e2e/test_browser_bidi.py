"""In Chromium: the isolation the templates use (hub/templatetags/hub_bidi.py, ``dir="auto"``, ``<bdi>``)
keeps an override in what people wrote from reversing the words the page puts after it.

Each case is rendered by Django's template engine, laid out by Chromium, and the word that follows
the value ("Online", "Events") is read back letter by letter from the layout: left to right means
it was not reordered. The same markup without the isolation must show the word reversed, or the
test proves nothing.
"""

import pytest
from django.template import Context, Template

RLO, PDI = "\u202e", "\u2069"

# A word's letters, in the order they are drawn: the x of each letter of the last ``word`` on the page.
LETTER_POSITIONS = """word => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, found = null;
  while ((node = walker.nextNode())) if (node.data.includes(word)) found = node;
  const start = found.data.lastIndexOf(word);
  return [...word].map((_, i) => {
    const range = document.createRange();
    range.setStart(found, start + i);
    range.setEnd(found, start + i + 1);
    return range.getBoundingClientRect().left;
  });
}"""


def drawn_in_order(page, source: str, context: dict, word: str) -> bool:
    html = Template("{% load hub_bidi %}" + source).render(Context(context))
    page.set_content(
        f'<!doctype html><html lang="en" dir="ltr"><body style="font: 20px sans-serif">{html}</body></html>'
    )
    positions = page.evaluate(LETTER_POSITIONS, word)
    return positions == sorted(positions)


CASES = [
    # (isolated, not isolated, value, the word after it)
    (
        '<p class="where"><bdi>{{ v }}</bdi> · Online</p>',
        '<p class="where">{{ v }} · Online</p>',
        f"Harbour{RLO}hall",
        "Online",
    ),
    (
        '<h3><a href="#" dir="auto">{{ v }}</a> Online</h3>',
        '<h3><a href="#">{{ v }}</a> Online</h3>',
        f"invoice{RLO}fdp.exe",
        "Online",
    ),
    ("<p>{{ v|isolated }} · Events</p>", "<p>{{ v }} · Events</p>", f"invoice{RLO}fdp.exe", "Events"),
    # A stray PDI would close a naive wrapper early: the filter drops it, the naive wrapper leaks.
    ("<p>{{ v|isolated }} · Events</p>", "<p>\u2068{{ v }}\u2069 · Events</p>", f"a{PDI}{RLO}fdp.exe", "Events"),
    (
        "<h2>{% blocktranslate with name=v|bdi %}Contact {{ name }} Events{% endblocktranslate %}</h2>",
        "<h2>{% blocktranslate with name=v %}Contact {{ name }} Events{% endblocktranslate %}</h2>",
        f"Amina{RLO}x",
        "Events",
    ),
]


@pytest.mark.parametrize(("isolated", "bare", "value", "word"), CASES)
def test_an_override_does_not_reverse_what_follows(browser, isolated, bare, value, word):
    page = browser.new_page()
    try:
        assert drawn_in_order(page, "{% load i18n %}" + isolated, {"v": value}, word)
        assert not drawn_in_order(page, "{% load i18n %}" + bare, {"v": value}, word)
    finally:
        page.close()
