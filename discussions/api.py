"""The discussion REST API: thin views over ``discussions.services`` and ``discussions.selectors``."""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from discussions import payloads, selectors
from discussions import schema as o
from discussions import serializers as s
from discussions.models import Message, Space
from discussions.schema import paginated
from discussions.selectors.presence import online_page
from discussions.selectors.spaces import SpaceWithMemberCount
from discussions.services import editing, moderation, posting, reactions, read_markers, reports, spaces
from discussions.services.access import SpaceAccess, require_moderator, space_access_by_slug
from discussions.streams import space_group
from hub.api import validated
from hub.openapi import api_errors
from hub.pagination import page_body, page_request
from realtime.presence import online_usernames

AUTHENTICATED = [permissions.IsAuthenticated]

_M = TypeVar("_M", bound=Model)


def _access(request: Request, slug: str) -> SpaceAccess:
    return space_access_by_slug(slug=slug, user=request.user)


def _space_response(space: Space, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(payloads.space_payload(space, member_count=selectors.member_count(space)), status=code)


def _paginated(request: Request, view: APIView, queryset: QuerySet[_M], to_item: Callable[[_M], object]) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view) or []  # None only without a page size
    return paginator.get_paginated_response([to_item(row) for row in page])


def _space_item(space: SpaceWithMemberCount) -> payloads.SpacePayload:
    return payloads.space_payload(space, member_count=space.member_count)


class SpaceListView(APIView):
    @extend_schema(
        operation_id="spaces_list",
        parameters=[OpenApiParameter("objective", str, many=True), o.PAGE],
        responses={200: paginated(o.SpaceOut)},
    )
    def get(self, request: Request) -> Response:
        query = validated(s.SpaceQuerySerializer, {"objective": request.query_params.getlist("objective")})
        queryset = selectors.spaces_visible_to(request.user).order_by("objective__position", "name", "pk")
        if query.get("objective"):
            queryset = queryset.filter(objective__key__in=query["objective"])
        return _paginated(request, self, queryset, _space_item)

    @extend_schema(operation_id="space_create", request=s.SpaceCreateSerializer, responses={201: o.SpaceOut})
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.SpaceCreateSerializer, request.data)
        space = spaces.space_create(creator=request.user, **data)
        return _space_response(space, code=status.HTTP_201_CREATED)


class SpaceDetailView(APIView):
    @extend_schema(operation_id="space_retrieve", responses={200: o.SpaceOut})
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        return _space_response(_access(request, slug).space)

    @extend_schema(operation_id="space_update", request=s.SpaceChangeSerializer, responses={200: o.SpaceOut})
    @api_errors(403)
    def patch(self, request: AuthenticatedRequest, slug: str) -> Response:
        access = _access(request, slug)
        require_moderator(access)
        changes = validated(s.SpaceChangeSerializer, request.data, instance=access.space, partial=True)
        return _space_response(spaces.space_update(slug=slug, user=request.user, changes=changes))


class SpaceJoinView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_join", request=None, responses={200: o.MembershipOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        membership = spaces.space_join(slug=slug, user=request.user)
        return Response({"space": slug, "role": membership.role})


class SpaceLeaveView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_leave", request=None, responses={204: None})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        spaces.space_leave(slug=slug, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpaceInvitationsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="space_invitation_create", request=s.UsernameSerializer, responses={201: o.InvitationOut}
    )
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.UsernameSerializer, request.data)
        invitation = spaces.invitation_create(slug=slug, moderator=request.user, username=data["username"])
        body = {"space": slug, "username": invitation.user.username, "created_at": payloads.iso(invitation.created_at)}
        return Response(body, status=status.HTTP_201_CREATED)


class SpaceTopicsView(APIView):
    @extend_schema(operation_id="space_topics_list", parameters=[o.PAGE], responses={200: paginated(o.TopicOut)})
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        topics = selectors.topics_with_counts(access.space).order_by("created_at", "pk")
        return _paginated(
            request,
            self,
            topics,
            payloads.topic_payload,
        )


class SpaceQuestionsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_question_create", request=s.QuestionSerializer, responses={201: o.MessageOut})
    @api_errors(403, 409, 413, 429)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.QuestionSerializer, request.data)
        result = spaces.question_pose(slug=slug, moderator=request.user, **data)
        return Response(payloads.message_payload(result.message, space_slug=slug), status=status.HTTP_201_CREATED)


class SpaceMembersView(APIView):
    @extend_schema(operation_id="space_members_list", parameters=[o.PAGE], responses={200: paginated(o.MemberOut)})
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        online = online_usernames(space_group(access.space.pk))
        return _paginated(
            request,
            self,
            selectors.members_of(access.space),
            lambda membership: payloads.member_payload(membership, online=membership.user.username in online),
        )


class SpaceOnlineView(APIView):
    """Who is online, by username, a page at a time: page 1 is what a socket's ``hello`` names."""

    @extend_schema(operation_id="space_online_list", parameters=[o.PAGE, o.PAGE_SIZE],
                   responses={200: paginated(o.OnlineUserOut)})  # fmt: skip
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        page = page_request(request, default_size=payloads.HELLO_ONLINE_PAGE, max_size=payloads.HELLO_ONLINE_PAGE)
        count, users = online_page(access.space, page)
        results = [payloads.online_user_payload(user.username, user.display_name) for user in users]
        return Response(page_body(request, page, count=count, results=results))


class SpaceModeratorsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_moderator_add", request=s.UsernameSerializer, responses={201: o.ModeratorOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.UsernameSerializer, request.data)
        spaces.moderator_set(slug=slug, staff=request.user, username=data["username"], moderator=True)
        return Response({"username": data["username"], "role": "moderator"}, status=status.HTTP_201_CREATED)


class SpaceModeratorDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_moderator_remove", responses={204: None})
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, slug: str, username: str) -> Response:
        spaces.moderator_set(slug=slug, staff=request.user, username=username, moderator=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpaceBansView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_ban_create", request=s.BanSerializer, responses={201: o.RestrictionOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.BanSerializer, request.data)
        ban = moderation.ban_create(slug=slug, moderator=request.user, **data)
        return Response(payloads.restriction_payload(ban), status=status.HTTP_201_CREATED)


class SpaceBanDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_ban_remove", responses={204: None})
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, slug: str, username: str) -> Response:
        moderation.ban_remove(slug=slug, moderator=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpaceMutesView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_mute_create", request=s.MuteSerializer, responses={201: o.RestrictionOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.MuteSerializer, request.data)
        mute = moderation.mute_create(slug=slug, moderator=request.user, **data)
        return Response(payloads.restriction_payload(mute), status=status.HTTP_201_CREATED)


class SpaceMuteDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_mute_remove", responses={204: None})
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, slug: str, username: str) -> Response:
        moderation.mute_remove(slug=slug, moderator=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpaceReportsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_reports_list", parameters=[o.PAGE], responses={200: paginated(o.ReportOut)})
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        require_moderator(access)
        return _paginated(
            request,
            self,
            selectors.open_reports(access.space),
            payloads.report_payload,
        )


class SpaceModerationLogView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="space_moderation_log_list", parameters=[o.PAGE], responses={200: paginated(o.ModerationActionOut)}
    )
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        require_moderator(access)
        return _paginated(
            request,
            self,
            selectors.moderation_log(access.space),
            payloads.moderation_action_payload,
        )


class SpaceReadView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="space_mark_read", request=s.ReadSerializer, responses={200: o.ReadOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.ReadSerializer, request.data)
        return Response({"last_read_seq": read_markers.read_mark(slug=slug, user=request.user, seq=data["seq"])})


class SpaceMessagesView(APIView):
    """Not paginated: ``{"results": [...], "last_seq": N}``, paged by seq with after/before."""

    @extend_schema(
        operation_id="space_messages_list", parameters=[s.MessageQuerySerializer], responses={200: o.MessageListOut}
    )
    @api_errors(403)
    def get(self, request: Request, slug: str) -> Response:
        access = _access(request, slug)
        query = validated(s.MessageQuerySerializer, request.query_params)
        space, limit, topic = access.space, query["limit"], query.get("topic")
        if "q" in query:
            found = selectors.messages_matching(space, query["q"], limit, topic=topic)
        elif "before" in query:
            found = selectors.messages_before(space, query["before"], limit, topic=topic)
        elif "after" in query:
            found = selectors.messages_after(space, query["after"], limit, topic=topic)
        else:
            found = selectors.newest_messages(space, limit, topic=topic)
        return Response(
            {"results": [payloads.message_payload(m, space_slug=slug) for m in found], "last_seq": space.last_seq}
        )

    @extend_schema(
        operation_id="message_post",
        request=s.MessagePostSerializer,
        responses={
            201: o.MessageOut,
            200: OpenApiResponse(o.MessageOut, description="A resend: this author already sent this client_id here."),
        },
    )
    @api_errors(403, 409, 413, 429)
    def post(self, request: AuthenticatedRequest, slug: str) -> Response:
        data = validated(s.MessagePostSerializer, request.data)
        result = posting.message_post(slug=slug, author=request.user, **data)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(payloads.message_payload(result.message, space_slug=slug), status=code)


def _message_response(message: Message) -> Response:
    message = selectors.messages_with_authors().select_related("space").get(pk=message.pk)
    return Response(payloads.message_payload(message, space_slug=message.space.slug))


class MessageDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="message_edit", request=s.MessageEditSerializer, responses={200: o.MessageOut})
    @api_errors(403, 413)
    def patch(self, request: AuthenticatedRequest, message_id: int) -> Response:
        data = validated(s.MessageEditSerializer, request.data)
        return _message_response(editing.message_edit(message_id=message_id, user=request.user, **data))

    @extend_schema(operation_id="message_delete", responses={200: o.MessageOut})
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, message_id: int) -> Response:
        return _message_response(editing.message_delete(message_id=message_id, user=request.user))


class MessagePinView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="message_pin", request=None, responses={200: o.MessageOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, message_id: int) -> Response:
        return _message_response(editing.message_pin(message_id=message_id, user=request.user, pinned=True))

    @extend_schema(operation_id="message_unpin", responses={200: o.MessageOut})
    @api_errors(403)
    def delete(self, request: AuthenticatedRequest, message_id: int) -> Response:
        return _message_response(editing.message_pin(message_id=message_id, user=request.user, pinned=False))


class MessageReactionsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="reaction_add", request=s.ReactionSerializer, responses={200: o.ReactionsOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, message_id: int) -> Response:
        data = validated(s.ReactionSerializer, request.data)
        message = reactions.reaction_set(message_id=message_id, user=request.user, emoji=data["emoji"], present=True)
        return Response({"seq": message.seq, "reactions": message.reactions})


class MessageReactionDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="reaction_remove", responses={200: o.ReactionsOut})
    @api_errors(400, 403)
    def delete(self, request: AuthenticatedRequest, message_id: int, emoji: str) -> Response:
        message = reactions.reaction_set(message_id=message_id, user=request.user, emoji=emoji, present=False)
        return Response({"seq": message.seq, "reactions": message.reactions})


class MessageReportsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="message_report", request=s.ReportSerializer, responses={201: o.ReportCreatedOut})
    @api_errors(403)
    def post(self, request: AuthenticatedRequest, message_id: int) -> Response:
        data = validated(s.ReportSerializer, request.data)
        report = reports.report_create(message_id=message_id, user=request.user, reason=data["reason"])
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)


class MessageRevisionsView(APIView):
    """Earlier bodies of an edited or deleted message, for the space's moderators."""

    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="message_revisions_list", responses={200: o.RevisionListOut})
    @api_errors(403)
    def get(self, request: Request, message_id: int) -> Response:
        revisions = selectors.message_revisions(message_id=message_id, user=request.user)
        return Response({"results": [payloads.revision_payload(revision) for revision in revisions]})
