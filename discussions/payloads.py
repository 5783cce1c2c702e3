"""The JSON shapes of spaces and messages, and the frames sent to sockets.

One typed function per shape, used by the REST API and the sockets alike, so that a message looks
the same whichever way it reaches a client. Plain dicts (TypedDicts for the type checker), no
serializer framework: these run for every message sent and every page of history. The OpenAPI
document declares the same shapes (``discussions/schema.py``) and the frame schemas
(``discussions/frame_schemas.py``) build on it; tests check every body and frame they receive
against those, and that these TypedDicts and the schemas name the same fields.
"""

from datetime import datetime
from typing import Any, Literal, TypedDict

from accounts.models import User
from discussions.models import (
    Membership,
    Message,
    MessageRevision,
    ModerationAction,
    Report,
    Space,
    Topic,
    _Restriction,
)


class AuthorPayload(TypedDict):
    id: int
    username: str
    display_name: str


class MessagePayload(TypedDict):
    id: int
    seq: int
    space: str
    topic: str | None
    author: AuthorPayload
    body: str
    html: str
    reply_to: int | None
    client_id: str | None
    mentions: list[str]
    reactions: dict[str, int]
    pinned: bool
    created_at: str
    edited_at: str | None
    deleted: bool


class SpacePayload(TypedDict):
    slug: str
    name: str
    description: str
    kind: str
    objective: str | None
    region: str | None
    visibility: str
    locked: bool
    opens_at: str | None
    closes_at: str | None
    audience: str
    languages: list[str]
    slow_mode_seconds: int
    summary: str
    member_count: int
    last_seq: int
    created_at: str


class TopicPayload(TypedDict):
    name: str
    question: bool
    body: str
    message_count: int
    last_seq: int | None


class OnlineUserPayload(TypedDict):
    username: str
    display_name: str


class MemberPayload(TypedDict):
    username: str
    display_name: str
    role: str
    online: bool


class ReportPayload(TypedDict):
    id: int
    message: MessagePayload
    reason: str
    reporter: str
    status: str
    created_at: str


class ModerationActionPayload(TypedDict):
    id: int
    action: str
    actor: str | None
    target: str | None
    message_seq: int | None
    reason: str
    details: dict[str, Any]
    created_at: str


class RevisionPayload(TypedDict):
    body: str
    replaced_at: str
    replaced_by: str | None


class RestrictionPayload(TypedDict):
    username: str
    reason: str
    expires_at: str | None


class HelloFrame(TypedDict):
    type: Literal["hello"]
    space: str
    last_seq: int
    role: str
    online: list[str]  # the first HELLO_ONLINE_PAGE, sorted; the rest: GET …/online/
    online_count: int


class MessageFrame(TypedDict):
    type: Literal["message.new", "message.updated"]
    message: MessagePayload


class ReactionFrame(TypedDict):
    type: Literal["reaction"]
    seq: int
    reactions: dict[str, int]


class TypingFrame(TypedDict):
    type: Literal["typing"]
    username: str


class MemberFrame(TypedDict):
    type: Literal["member.joined", "member.left"]
    username: str


class SpaceUpdatedFrame(TypedDict):
    type: Literal["space.updated"]
    space: SpacePayload


class ReportNewPayload(TypedDict):
    id: int
    seq: int
    reason: str
    reporter: str
    created_at: str


class ReportNewFrame(TypedDict):
    type: Literal["report.new"]
    report: ReportNewPayload


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def iso_required(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def author_payload(user: User) -> AuthorPayload:
    # ``shown_name``: the display name, else the username; an erased account's "Deleted user".
    return {"id": user.pk, "username": user.username, "display_name": user.shown_name}


def message_payload(message: Message, *, space_slug: str) -> MessagePayload:
    """Call with ``author`` and ``topic`` already loaded (``selectors.messages_with_authors``)."""
    return {
        "id": message.pk,
        "seq": message.seq,
        "space": space_slug,
        "topic": message.topic.name if message.topic is not None else None,
        "author": author_payload(message.author),
        "body": message.body,
        "html": message.html,
        "reply_to": message.reply_to_seq,
        "client_id": message.client_id,
        "mentions": message.mentions,
        "reactions": message.reactions,
        "pinned": message.pinned,
        "created_at": iso_required(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted": message.deleted,
    }


def space_payload(space: Space, *, member_count: int) -> SpacePayload:
    return {
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "kind": space.kind,
        "objective": space.objective.key if space.objective is not None else None,
        "region": space.region.slug if space.region is not None else None,
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
        "created_at": iso_required(space.created_at),
    }


# How many of the users online ``hello`` names (the first, by username); ``GET …/online/`` pages them all.
HELLO_ONLINE_PAGE = 100


def hello_frame(*, space_slug: str, last_seq: int, role: str, online: list[str], online_count: int) -> HelloFrame:
    return {"type": "hello", "space": space_slug, "last_seq": last_seq, "role": role, "online": online,
            "online_count": online_count}  # fmt: skip


def message_new_frame(message: Message, *, space_slug: str) -> MessageFrame:
    return {"type": "message.new", "message": message_payload(message, space_slug=space_slug)}


def message_updated_frame(message: Message, *, space_slug: str) -> MessageFrame:
    return {"type": "message.updated", "message": message_payload(message, space_slug=space_slug)}


def reaction_frame(message: Message) -> ReactionFrame:
    return {"type": "reaction", "seq": message.seq, "reactions": message.reactions}


def typing_frame(username: str) -> TypingFrame:
    return {"type": "typing", "username": username}


def member_frame(username: str, *, joined: bool) -> MemberFrame:
    return {"type": "member.joined" if joined else "member.left", "username": username}


def space_updated_frame(space: Space, *, member_count: int) -> SpaceUpdatedFrame:
    return {"type": "space.updated", "space": space_payload(space, member_count=member_count)}


def report_frame(report: Report) -> ReportNewFrame:
    return {
        "type": "report.new",
        "report": {"id": report.pk, "seq": report.message.seq, "reason": report.reason,
                   "reporter": report.reporter.username, "created_at": iso_required(report.created_at)},
    }  # fmt: skip


def topic_payload(topic: Topic) -> TopicPayload:
    """Call on ``selectors.topics_with_counts`` rows."""
    return {
        "name": topic.name,
        "question": topic.is_question,
        "body": topic.body,
        "message_count": topic.message_count,  # type: ignore[attr-defined]  # annotated by the selector
        "last_seq": topic.last_seq,  # type: ignore[attr-defined]
    }


def online_user_payload(username: str, display_name: str) -> OnlineUserPayload:
    return {"username": username, "display_name": display_name}


def member_payload(membership: Membership, *, online: bool) -> MemberPayload:
    user = membership.user
    return {"username": user.username, "display_name": user.display_name or user.username,
            "role": membership.role, "online": online}  # fmt: skip


def report_payload(report: Report) -> ReportPayload:
    return {
        "id": report.pk,
        "message": message_payload(report.message, space_slug=report.message.space.slug),
        "reason": report.reason,
        "reporter": report.reporter.username,
        "status": report.status,
        "created_at": iso_required(report.created_at),
    }


def moderation_action_payload(action: ModerationAction) -> ModerationActionPayload:
    return {
        "id": action.pk,
        "action": action.kind,
        "actor": action.actor.username if action.actor else None,
        "target": action.target_user.username if action.target_user else None,
        "message_seq": action.message_seq,
        "reason": action.reason,
        "details": action.details,
        "created_at": iso_required(action.created_at),
    }


def revision_payload(revision: MessageRevision) -> RevisionPayload:
    return {
        "body": revision.body,
        "replaced_at": iso_required(revision.replaced_at),
        "replaced_by": revision.replaced_by.username if revision.replaced_by else None,
    }


def restriction_payload(restriction: _Restriction) -> RestrictionPayload:
    """A ban or a mute."""
    return {
        "username": restriction.user.username,
        "reason": restriction.reason,
        "expires_at": iso(restriction.expires_at),
    }
