"""REST for questions to experts: the groups a composer suggests, and an expert's private reply.

``GET /api/v1/expert-groups/?q=`` lists the mentionable groups (``@objective-9-experts``…) with
their objective's short title in the caller's language: the composer's completion reads it once.
``POST /api/v1/expert-questions/{id}/replies/`` is an asked expert's private reply to the asker.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from experts.questions.payloads import expert_groups_payload, reply_accepted_payload
from experts.questions.selectors import expert_groups
from experts.questions.services import REPLY_MAX_CHARS, expert_question_reply
from hub.api import validated
from hub.openapi import api_errors


class ExpertGroupOut(serializers.Serializer[None]):
    name = serializers.CharField(help_text='What follows "@" in a message: "objective-9-experts", "general-experts".')
    objective = serializers.CharField(help_text='The objective key: "1".."23" or "general".')
    title = serializers.CharField(help_text="The objective's short title, in the caller's language.")


class ExpertGroupListOut(serializers.Serializer[None]):
    results = ExpertGroupOut(many=True)


class ExpertReplySerializer(serializers.Serializer[None]):
    message = serializers.CharField(max_length=REPLY_MAX_CHARS)


class ExpertReplyAcceptedOut(serializers.Serializer[None]):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ExpertGroupListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="expert_groups_list",
        parameters=[
            OpenApiParameter("q", str, description="Keep the groups whose name or label contains this (any case).")
        ],
        responses={200: ExpertGroupListOut},
        description="The expert groups a message can mention, in objective order. A message that mentions one "
        "asks up to 25 of its experts (PROTOCOL.md, Notifications).",
    )
    def get(self, request: Request) -> Response:
        return Response(expert_groups_payload(expert_groups(contains=request.query_params.get("q", ""))))


class ExpertReplyView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="expert_question_reply",
        request=ExpertReplySerializer,
        responses={201: OpenApiResponse(ExpertReplyAcceptedOut, description="Recorded; the email relay follows.")},
        description="An expert who was asked this question replies privately: the asker is notified and the reply "
        "is relayed by email to them, Reply-To the expert. 404 for anyone who was not asked; at most 3 "
        "replies per expert and question (429). The asker's address is in no response.",
    )
    @api_errors(429)
    def post(self, request: AuthenticatedRequest, question_id: int) -> Response:
        data = validated(ExpertReplySerializer, request.data)
        reply = expert_question_reply(question_id=question_id, user=request.user, message=data["message"])
        return Response(reply_accepted_payload(reply), status=status.HTTP_201_CREATED)
