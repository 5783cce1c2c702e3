"""Markdown to safe HTML, and the @mentions in a message.

markdown-it-py renders (raw HTML in the source is escaped, never passed through) and nh3 then
keeps only an allow-list of tags, attributes and URL schemes: no script, no event handlers, no
``javascript:`` or ``data:`` links, whatever the renderer produced.
"""

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["strikethrough", "table"]
)

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}, "span": {"class"}}
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


def render_markdown(body: str) -> str:
    html = _markdown.render(body)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    ).strip()


def mentioned_usernames(body: str) -> list[str]:
    """Candidate usernames after ``@``, in order of first appearance, trailing dots dropped."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(body):
        seen.setdefault(match.group(1).rstrip("."), None)
    return list(seen)
