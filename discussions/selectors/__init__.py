"""Reads for discussion spaces: ``spaces`` (spaces, messages, topics, members, moderation) and
``sockets`` (what a space socket checks and catches up on). Querysets come with what their
callers serialize already joined."""

from discussions.selectors.spaces import (
    HISTORY_LIMIT_DEFAULT,
    HISTORY_LIMIT_MAX,
    member_count,
    members_of,
    message_id_by_seq,
    message_revisions,
    messages_after,
    messages_before,
    messages_matching,
    messages_with_authors,
    moderation_log,
    newest_messages,
    open_reports,
    space_messages,
    spaces_visible_to,
    topics_with_counts,
)

__all__ = [
    "HISTORY_LIMIT_DEFAULT",
    "HISTORY_LIMIT_MAX",
    "member_count",
    "members_of",
    "message_id_by_seq",
    "message_revisions",
    "messages_after",
    "messages_before",
    "messages_matching",
    "messages_with_authors",
    "moderation_log",
    "newest_messages",
    "open_reports",
    "space_messages",
    "spaces_visible_to",
    "topics_with_counts",
]
