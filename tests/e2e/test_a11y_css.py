"""One stylesheet for both directions: the Hub's CSS (static/*/*.css) uses logical properties only,
so that Arabic pages (dir="rtl") mirror without a rule of their own.

A physical property (``margin-left``, ``top:``, ``text-align: right``, ``width``…), or a shorthand
whose left and right sides differ (``padding: 0 1rem 0 0``), would lay a page out the same way in
both directions; the browser test (test_a11y_rtl.py) checks the mirrored result itself."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = sorted(ROOT.glob("static/*/*.css"))

BOXES = r"(margin|padding|border|inset|scroll-margin|scroll-padding)"
PHYSICAL = [
    (re.compile(rf"(?<![-\w]){BOXES}-(left|right|top|bottom)\b"), "physical side"),
    (re.compile(r"(?<![-\w])(left|right|top|bottom)\s*:"), "physical offset"),
    (re.compile(r"(?<![-\w])(text-align|float|clear)\s*:\s*(left|right)\b"), "physical alignment"),
    (re.compile(r"(?<![-\w])border-(top|bottom)-(left|right)-radius\b"), "physical corner"),
    (re.compile(r"(?<![-\w])(min-|max-)?(width|height)\s*:"), "physical size (use inline-size/block-size)"),
]  # fmt: skip
SIDED = r"(margin|padding|inset|border-(?:width|style|color)|scroll-(?:padding|margin))"
SHORTHAND = re.compile(rf"(?<![-\w]){SIDED}\s*:\s*([^;}}]+)")
RADIUS = re.compile(r"(?<![-\w])border-radius\s*:\s*([^;}]+)")


def declarations(path: Path) -> list[tuple[int, str]]:
    """The lines of a stylesheet without comments, and with media conditions (``max-width: 48rem``
    is the viewport's width, not a box's) left out."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), path.read_text(), flags=re.S)
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("@media"):
            line = line.partition("{")[2]
        lines.append((number, line))
    return lines


def mirrored_differently(values: list[str]) -> bool:
    """A top/right/bottom/left shorthand whose right and left differ (with four values)."""
    return len(values) == 4 and values[1] != values[3]


def radius_mirrored_differently(values: list[str]) -> bool:
    """Corners top-left, top-right, bottom-right, bottom-left: mirroring swaps left and right."""
    if "/" in values or len(values) < 2:
        return False
    top_left, top_right, bottom_right, bottom_left = (values * 2)[:4] if len(values) == 2 else [*values, values[1]][:4]
    return top_left != top_right or bottom_right != bottom_left


def problems(path: Path) -> list[str]:
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for number, line in declarations(path):
        for pattern, what in PHYSICAL:
            for match in pattern.finditer(line):
                found.append(f"{name}:{number}: {what}: {match.group(0)}")
        for match in SHORTHAND.finditer(line):
            if mirrored_differently(match.group(2).replace("!important", "").split()):
                found.append(f"{name}:{number}: left and right differ: {match.group(0)}")
        for match in RADIUS.finditer(line):
            if radius_mirrored_differently(match.group(1).replace("!important", "").split()):
                found.append(f"{name}:{number}: corners differ left and right: {match.group(0)}")
    return found


def test_the_stylesheets_are_found():
    assert {path.relative_to(ROOT).as_posix() for path in STYLESHEETS} >= {
        "static/hub/hub.css", "static/experts/experts.css", "static/events/events.css",
        "static/notifications/notifications.css",
    }  # fmt: skip


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_stylesheet_uses_logical_properties_only(path):
    assert problems(path) == []


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem; }",
        ".a { top: 0; }",
        ".a { text-align: right; }",
        ".a { padding: 0 1rem 0 0; }",
        ".a { border-radius: .4rem 0 0 .4rem; }",
        ".a { width: 100%; }",
        ".a { border-top-left-radius: 2px; }",
    ],
)
def test_physical_properties_are_caught(tmp_path, css):
    sheet = tmp_path / "probe.css"
    sheet.write_text(css)
    assert problems(sheet)


@pytest.mark.parametrize(
    "css",
    [
        "@media (max-width: 48rem) { .a { inline-size: 100%; } }",
        ".a { margin: 0 1rem; padding: .3rem .8rem .3rem .8rem; border-radius: .4rem .4rem 0 0; }",
        ".a { text-align: start; inset-inline-start: 0; line-height: 1.5; vertical-align: top; }",
    ],
)
def test_logical_properties_pass(tmp_path, css):
    sheet = tmp_path / "probe.css"
    sheet.write_text(css)
    assert problems(sheet) == []
