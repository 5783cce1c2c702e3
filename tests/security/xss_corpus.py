"""One XSS corpus for every test that pushes hostile text through the Hub, and the checker that
says whether any of it survived as something a browser would run.

The corpus is text as a user types it (a message, a bio, an event title): markup, event handlers,
script-capable URLs, Markdown link and image tricks, entity and unicode escapes, mixed-script and
bidi-override text. ``executable_parts`` parses HTML with the standard library's parser and names
every part a browser could run or load from elsewhere; the Chromium test (tests/e2e/test_browser_xss.py)
checks the same pages with a browser's own parser.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

BIDI_OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "exe.txt" shows as "txt.exe"

PAYLOADS: tuple[str, ...] = (
    "<script>alert('xss-script')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('xss-img')>",
    "<svg onload=alert('xss-svg')>",
    "<svg><script>alert('xss-svg-script')</script></svg>",
    "<body onload=alert('xss-body')>",
    "<iframe src=javascript:alert('xss-iframe')></iframe>",
    "<a href=\"javascript:alert('xss-a')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('xss-entity')\">tab</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-noscript')>\">",
    "\"><script>alert('xss-attr-break')</script>",
    "'onmouseover=alert('xss-unquoted') x='",
    "[click](javascript:alert('xss-md-link'))",
    "[click](JaVaScRiPt:alert('xss-md-case'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzLWRhdGEnKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox('xss-vb'))",
    "![img](javascript:alert('xss-md-img'))",
    "![img](https://evil.example/track.png)",
    "![x](x\" onerror=\"alert('xss-md-img-attr'))",
    '[a](https://example.org "title\\" onmouseover=alert(\'xss-md-title\')")',
    "<https://example.org/\" onmouseover=\"alert('xss-autolink')>",
    "[ref]: javascript:alert('xss-md-ref')\n\n[ref]",
    "&lt;script&gt;alert('xss-escaped')&lt;/script&gt;",
    "&#60;script&#62;alert('xss-numeric')&#60;/script&#62;",
    "\\u003cscript\\u003ealert('xss-js-escape')\\u003c/script\\u003e",
    "<scr<script>ipt>alert('xss-nested')</scr</script>ipt>",
    "<style>body{background:url(javascript:alert('xss-css'))}</style>",
    "<form action=javascript:alert('xss-form')><button>go</button></form>",
    "<object data=\"data:text/html,<script>alert('xss-object')</script>\"></object>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss-meta\')">',
    '<base href="https://evil.example/">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "{{ 7*7 }} {% debug %} ${alert('xss-template')}",
    f"invoice{BIDI_OVERRIDE}fdp.exe",
    f"\u03a1aypal \u0430ccount {BIDI_OVERRIDE}gnp.js",  # Greek Rho and Cyrillic a (a homograph), then an override
    "مرحبا hello שלום 你好 <b>bold</b>",
)

# For the one-line fields (titles, names): no newline, within 120 characters.
ONE_LINE_PAYLOADS = tuple(payload for payload in PAYLOADS if "\n" not in payload and len(payload) <= 120)

# URL fields: every one must be refused by the API, or stored and shown only as plain http(s).
HOSTILE_URLS: tuple[str, ...] = (
    "javascript:alert('xss-url')",
    "JAVASCRIPT:alert('xss-url-case')",
    " javascript:alert('xss-url-space')",
    "java\tscript:alert('xss-url-tab')",
    "data:text/html,<script>alert('xss-url-data')</script>",
    "vbscript:msgbox('xss-url-vb')",
    "https://example.org/\"><script>alert('xss-url-break')</script>",
)

_DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
_SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcdoc"}
_NEVER_ALLOWED = {"iframe", "object", "embed", "frame", "frameset", "applet", "base"}
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20]+")


@dataclass(frozen=True)
class ExecutablePart:
    tag: str
    what: str

    def __str__(self) -> str:
        return f"<{self.tag}>: {self.what}"


class _Finder(HTMLParser):
    def __init__(self, nonce: str | None, allowed_tags: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.allowed_tags = allowed_tags
        self.found: list[ExecutablePart] = []
        self.in_script = False
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            # The page's own scripts carry the response's nonce; one without it is injected. A JSON
            # data block (``json_script``) is never run, and its text has <, > and & escaped.
            if attributes.get("type") in _DATA_BLOCK_TYPES:
                pass
            elif self.nonce is None or attributes.get("nonce") != self.nonce:
                self.found.append(ExecutablePart(tag, f"script without the response's nonce: {attrs}"))
        elif tag in _NEVER_ALLOWED and tag not in self.allowed_tags:
            self.found.append(ExecutablePart(tag, "element that loads or runs content"))
        elif tag == "meta" and "http-equiv" in attributes:
            self.found.append(ExecutablePart(tag, f"meta http-equiv: {attrs}"))
        elif tag == "link" and (attributes.get("rel") or "") not in {"stylesheet", "icon", "manifest", "preload"}:
            self.found.append(ExecutablePart(tag, f"unexpected link {attrs}"))
        elif tag == "link" and _is_foreign(attributes.get("href") or ""):
            self.found.append(ExecutablePart(tag, f"stylesheet from another origin: {attributes.get('href')}"))
        elif tag == "style" and (self.nonce is None or attributes.get("nonce") != self.nonce):
            self.found.append(ExecutablePart(tag, "style element without the response's nonce"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(ExecutablePart(tag, f"event handler {name}={value!r}"))
            elif name in _URL_ATTRIBUTES and _is_script_url(value or ""):
                self.found.append(ExecutablePart(tag, f"script URL in {name}: {value!r}"))
            elif name in {"src", "srcset"} and tag in {"img", "video", "audio", "source"} and _is_foreign(value or ""):
                self.found.append(ExecutablePart(tag, f"{name} from another origin: {value!r}"))
            elif name == "style" and "url(" in (value or "").lower():
                self.found.append(ExecutablePart(tag, f"style attribute that loads: {value!r}"))


def _is_script_url(value: str) -> bool:
    compact = _CONTROL_AND_SPACE.sub("", value).lower()
    return compact.startswith(_SCRIPT_SCHEMES)


def _is_foreign(value: str) -> bool:
    compact = _CONTROL_AND_SPACE.sub("", value).lower()
    return compact.startswith(("http:", "https:", "//"))


def executable_parts(
    html: str, *, nonce: str | None = None, allowed_tags: frozenset[str] = frozenset()
) -> list[ExecutablePart]:
    """Every part of ``html`` that a browser would run or fetch from another origin.

    ``nonce``: the response's CSP nonce; a script or style element carrying it is the page's own.
    """
    finder = _Finder(nonce, allowed_tags)
    finder.feed(html)
    finder.close()
    return finder.found


def unisolated_bidi_overrides(html: str) -> list[str]:
    """Text runs with U+202E that are not isolated from the text around them: in element content,
    not inside an element that isolates (``<bdi>`` or ``dir``); in ``<title>`` and in the attributes a
    browser shows (``title``, ``aria-label``, ``alt``…), where markup cannot go, not inside an isolate
    of control characters (FSI…PDI) that is closed before the text ends."""

    class _Runs(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[tuple[str, bool]] = []
            self.bad: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                shown = (value or "") if name in _SHOWN_ATTRIBUTES else ""
                if BIDI_OVERRIDE in shown and not _isolated_by_controls(shown):
                    self.bad.append(f"{tag} {name}={shown.strip()[:80]!r}")
            if tag in _VOID:
                return
            # The root's dir sets the page's direction; it isolates nothing from the text around it.
            isolates = tag == "bdi" or (tag not in {"html", "body"} and any(name == "dir" for name, _ in attrs))
            self.stack.append((tag, isolates))

        def handle_endtag(self, tag: str) -> None:
            if tag not in _VOID and self.stack:
                self.stack.pop()

        def handle_data(self, data: str) -> None:
            if BIDI_OVERRIDE not in data or any(isolates for _, isolates in self.stack):
                return
            if self.stack and self.stack[-1][0] == "title" and _isolated_by_controls(data):
                return
            self.bad.append(data.strip()[:80])

    runs = _Runs()
    runs.feed(html)
    runs.close()
    return runs.bad


# Attributes whose text a browser shows or reads out (tooltips, accessible names, alternatives).
_SHOWN_ATTRIBUTES = {"title", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "alt",
                     "placeholder", "label"}  # fmt: skip


def _isolated_by_controls(text: str) -> bool:
    """Every U+202E of ``text`` inside an isolate (LRI, RLI or FSI … PDI), and nothing left open at
    its end (UAX #9's matching: a PDI closes its isolate and what was opened inside it; a PDF only
    an embedding or override)."""
    open_: list[bool] = []  # True: an isolate
    for character in text:
        if character == BIDI_OVERRIDE and True not in open_:
            return False
        if character in "\u202a\u202b\u202d\u202e":
            open_.append(False)
        elif character in "\u2066\u2067\u2068":
            open_.append(True)
        elif character == "\u202c" and open_ and not open_[-1]:
            open_.pop()
        elif character == "\u2069" and True in open_:
            while not open_.pop():
                pass
    return not open_


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
