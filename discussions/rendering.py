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
# The experts of a GCM objective (1..23) or of the "general" key, as a mention names them.
_EXPERT_GROUP = re.compile(r"(?:objective-(?P<number>[1-9]|1[0-9]|2[0-3])|(?P<general>general))-experts", re.IGNORECASE)


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


def expert_group_objective(candidate: str) -> str | None:
    """The objective key (``"9"``, ``"general"``) of a mention naming an expert group
    (``objective-9-experts``, ``general-experts``, in any case), else None."""
    match = _EXPERT_GROUP.fullmatch(candidate)
    if match is None:
        return None
    return match.group("number") or "general"


def expert_group_name(objective_key: str) -> str:
    """The group's name as ``mentions`` lists it (lower case): ``objective-9-experts``, ``general-experts``."""
    return "general-experts" if objective_key == "general" else f"objective-{objective_key}-experts"


def mentioned_expert_groups(body: str) -> list[str]:
    """The expert groups ``body`` mentions (their names, lower case), in order of first appearance."""
    seen: dict[str, None] = {}
    for candidate in mentioned_usernames(body):
        key = expert_group_objective(candidate)
        if key is not None:
            seen.setdefault(expert_group_name(key), None)
    return list(seen)
