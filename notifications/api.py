"""The notifications REST API (inbox, subscriptions, preferences): thin views over services and selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from hub.api import validated
from notifications import payloads, selectors, services
from notifications import schema as o
from notifications import serializers as s

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


class SubscriptionView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="me_subscriptions_retrieve", responses={200: o.SubscriptionOut})
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(payloads.subscription_payload(selectors.subscription_of(request.user)))

    @extend_schema(
        operation_id="me_subscriptions_replace",
        request=s.SubscriptionSerializer,
        responses={200: o.SubscriptionOut},
        description="Replaces the caller's subscription: events tagged with one of `objectives` or one of "
        "`regions`, of one of `kinds` (empty: every kind), are announced to them. An unknown key, slug or "
        "kind: 400 naming the field, and nothing is changed.",
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.SubscriptionSerializer, request.data)
        return Response(payloads.subscription_payload(services.subscription_set(user=request.user, **data)))


class PreferencesView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="me_notification_preferences_retrieve", responses={200: o.PreferencesOut})
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(payloads.preferences_payload(selectors.preference_of(request.user)))

    @extend_schema(
        operation_id="me_notification_preferences_replace",
        request=s.PreferencesSerializer,
        responses={200: o.PreferencesOut},
        description="`email`: `immediate` (each notification by email; mentions and replies after a couple "
        "of minutes, dropped if read meanwhile), `daily_digest` (one email a day with what is unread) or "
        "`off`. `muted_spaces`: no mention or reply notifications from these spaces. `timezone` (an IANA name, "
        "default `UTC`) and `digest_hour` (0-23, default 7): the daily digest goes out at that hour in that "
        "zone, once per local day; both optional (absent: unchanged). A slug of no space the caller knows, "
        "an unknown zone or an hour out of range: 400 naming the field, and nothing is changed.",
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.PreferencesSerializer, request.data, context={"user": request.user})
        return Response(payloads.preferences_payload(services.notification_preferences_set(user=request.user, **data)))
