"""The notifications REST API (the inbox): thin views over ``notifications.services`` and ``selectors``."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from notifications import payloads, selectors, services
from notifications import schema as o

AUTHENTICATED = [permissions.IsAuthenticated]


class _InboxQuery(serializers.Serializer[None]):
    unread = serializers.BooleanField(required=False, default=False)


class NotificationListView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="notifications_list", parameters=[o.UNREAD, o.PAGE], responses={200: o.PaginatedNotificationOut}
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        query = _InboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = selectors.notifications_of(user=request.user, unread_only=query.validated_data["unread"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(notifications, request, view=self) or []
        return paginator.get_paginated_response([payloads.notification_payload(n) for n in page])


class NotificationReadView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="notification_mark_read", request=None, responses={200: o.NotificationOut})
    def post(self, request: AuthenticatedRequest, notification_id: int) -> Response:
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(payloads.notification_payload(notification))


class NotificationReadAllView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="notifications_mark_all_read", request=None, responses={200: o.ReadAllOut})
    def post(self, request: AuthenticatedRequest) -> Response:
        return Response(payloads.read_all_payload(services.notification_mark_all_read(user=request.user)))
