"""The JSON shapes of spaces and messages, and the frames sent to sockets.

One function per shape, used by the REST API and the sockets alike, so that a message looks the
same whichever way it reaches a client. Plain dicts, no serializer framework: these run for
every message sent and every page of history.
"""

from datetime import datetime
from typing import Any

from discussions.models import Message, Space


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def author_payload(user) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "display_name": user.display_name or user.username}


def message_payload(message: Message, *, space_slug: str) -> dict[str, Any]:
    """Call with ``author`` and ``topic`` already loaded (``selectors.messages_with_authors``)."""
    return {
        "id": message.pk,
        "seq": message.seq,
        "space": space_slug,
        "topic": message.topic.name if message.topic_id else None,
        "author": author_payload(message.author),
        "body": message.body,
        "html": message.html,
        "reply_to": message.reply_to_seq,
        "client_id": message.client_id,
        "mentions": message.mentions,
        "reactions": message.reactions,
        "pinned": message.pinned,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted": message.deleted,
    }


def space_payload(space: Space, *, member_count: int) -> dict[str, Any]:
    return {
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "kind": space.kind,
        "objective": space.objective.key if space.objective_id else None,
        "region": space.region.slug if space.region_id else None,
        "visibility": space.visibility,
        "locked": space.locked,
        "opens_at": iso(space.opens_at),
        "closes_at": iso(space.closes_at),
        "audience": space.audience,
        "languages": space.languages,
        "slow_mode_seconds": space.slow_mode_seconds,
        "summary": space.summary,
        "member_count": member_count,
        "last_seq": space.last_seq,
        "created_at": iso(space.created_at),
    }


def message_new_frame(message: Message, *, space_slug: str) -> dict[str, Any]:
    return {"type": "message.new", "message": message_payload(message, space_slug=space_slug)}


def message_updated_frame(message: Message, *, space_slug: str) -> dict[str, Any]:
    return {"type": "message.updated", "message": message_payload(message, space_slug=space_slug)}


def reaction_frame(message: Message) -> dict[str, Any]:
    return {"type": "reaction", "seq": message.seq, "reactions": message.reactions}


def typing_frame(username: str) -> dict[str, Any]:
    return {"type": "typing", "username": username}


def presence_frame(username: str, *, online: bool) -> dict[str, Any]:
    return {"type": "presence", "username": username, "online": online}


def member_frame(username: str, *, joined: bool) -> dict[str, Any]:
    return {"type": "member.joined" if joined else "member.left", "username": username}


def space_updated_frame(space: Space, *, member_count: int) -> dict[str, Any]:
    return {"type": "space.updated", "space": space_payload(space, member_count=member_count)}


def report_frame(report) -> dict[str, Any]:
    return {
        "type": "report.new",
        "report": {"id": report.pk, "seq": report.message.seq, "reason": report.reason,
                   "reporter": report.reporter.username, "created_at": iso(report.created_at)},
    }  # fmt: skip


def topic_payload(topic) -> dict[str, Any]:
    """Call on ``selectors.topics_with_counts`` rows."""
    return {
        "name": topic.name,
        "question": topic.is_question,
        "body": topic.body,
        "message_count": topic.message_count,
        "last_seq": topic.last_seq,
    }


def member_payload(membership, *, online: bool) -> dict[str, Any]:
    user = membership.user
    return {"username": user.username, "display_name": user.display_name or user.username,
            "role": membership.role, "online": online}  # fmt: skip


def report_payload(report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "message": message_payload(report.message, space_slug=report.message.space.slug),
        "reason": report.reason,
        "reporter": report.reporter.username,
        "status": report.status,
        "created_at": iso(report.created_at),
    }


def moderation_action_payload(action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "action": action.kind,
        "actor": action.actor.username if action.actor else None,
        "target": action.target_user.username if action.target_user else None,
        "message_seq": action.message_seq,
        "reason": action.reason,
        "details": action.details,
        "created_at": iso(action.created_at),
    }


def revision_payload(revision) -> dict[str, Any]:
    return {
        "body": revision.body,
        "replaced_at": iso(revision.replaced_at),
        "replaced_by": revision.replaced_by.username if revision.replaced_by else None,
    }


def restriction_payload(restriction) -> dict[str, Any]:
    """A ban or a mute."""
    return {
        "username": restriction.user.username,
        "reason": restriction.reason,
        "expires_at": iso(restriction.expires_at),
    }
