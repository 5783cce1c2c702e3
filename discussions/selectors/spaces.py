"""Reads of spaces, messages, topics, members and moderation. Querysets come with what their callers
serialize already joined."""

from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.callers import Caller
from discussions.models import (
    Ban,
    Membership,
    Message,
    MessageRevision,
    ModerationAction,
    Report,
    Space,
    Topic,
    in_force,
)
from hub.errors import ErrorCode, HubError

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

HISTORY_LIMIT_MAX = 200
HISTORY_LIMIT_DEFAULT = 50


class MemberCount(TypedDict):
    member_count: int


SpaceWithMemberCount: TypeAlias = "WithAnnotations[Space, MemberCount]"


def spaces_visible_to(user: Caller) -> "QuerySet[SpaceWithMemberCount]":
    """Public spaces, and the private ones ``user`` belongs to (never the ones they are banned from)."""
    visible = Q(visibility=Space.Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= Q(memberships__user=user)
    queryset = Space.objects.filter(visible).distinct()
    if user.is_authenticated:
        banned = Ban.objects.filter(in_force(timezone.now()), user=user).values("space_id")
        queryset = queryset.exclude(pk__in=banned)
    return queryset.select_related("objective", "region").annotate(member_count=Count("memberships", distinct=True))


def messages_with_authors() -> QuerySet[Message]:
    return Message.objects.select_related("author", "topic")


def space_messages(space: Space, *, topic: str | None = None) -> QuerySet[Message]:
    queryset = messages_with_authors().filter(space=space)
    return queryset.filter(topic__name=topic) if topic is not None else queryset


def messages_after(space: Space, after: int, limit: int, *, topic: str | None = None) -> list[Message]:
    return list(space_messages(space, topic=topic).filter(seq__gt=after).order_by("seq")[:limit])


def messages_before(space: Space, before: int, limit: int, *, topic: str | None = None) -> list[Message]:
    newest_first = space_messages(space, topic=topic).filter(seq__lt=before).order_by("-seq")[:limit]
    return list(reversed(newest_first))


def newest_messages(space: Space, limit: int, *, after: int = 0, topic: str | None = None) -> list[Message]:
    newest_first = space_messages(space, topic=topic).filter(seq__gt=after).order_by("-seq")[:limit]
    return list(reversed(newest_first))


def messages_matching(space: Space, words: str, limit: int, *, topic: str | None = None) -> list[Message]:
    """Full-text search with stemming on PostgreSQL; a plain substring match elsewhere."""
    queryset = space_messages(space, topic=topic).filter(deleted=False)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(words, config="english", search_type="websearch")
        queryset = queryset.annotate(search=SearchVector("body", config="english")).filter(search=query)
    else:
        queryset = queryset.filter(body__icontains=words)
    # Newest matches first, returned oldest first, so that a page of results reads like the conversation.
    return list(reversed(queryset.order_by("-seq")[:limit]))


def topics_with_counts(space: Space) -> QuerySet[Topic]:
    return Topic.objects.filter(space=space).annotate(
        message_count=Count("messages", filter=Q(messages__deleted=False)), last_seq=Max("messages__seq")
    )


def members_of(space: Space) -> QuerySet[Membership]:
    return Membership.objects.filter(space=space).select_related("user").order_by("user__username")


def open_reports(space: Space) -> QuerySet[Report]:
    return (
        Report.objects.filter(message__space=space, status=Report.Status.OPEN)
        .select_related("message__author", "message__topic", "message__space", "reporter")
        .order_by("-created_at")
    )


def moderation_log(space: Space) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(space=space).select_related("actor", "target_user")


def message_id_by_seq(*, slug: str, seq: int) -> int:
    """The id of the message with ``seq`` in the space ``slug``; 404 if there is none."""
    message_id = Message.objects.filter(space__slug=slug, seq=seq).values_list("pk", flat=True).first()
    if message_id is None:
        raise HubError(ErrorCode.NOT_FOUND, _("No such message."))
    return message_id


def message_revisions(*, message_id: int, user: Caller) -> list[MessageRevision]:
    """Earlier bodies of an edited or deleted message, for the space's moderators (403 otherwise;
    404 if the caller may not see the space)."""
    from discussions.services.access import message_access, message_not_found, require_moderator

    message = Message.objects.select_related("space").filter(pk=message_id).first()
    if message is None:
        raise message_not_found()
    require_moderator(message_access(message=message, user=user))
    return list(message.revisions.select_related("replaced_by").order_by("replaced_at", "pk"))


def member_count(space: Space) -> int:
    return Membership.objects.filter(space=space).count()
