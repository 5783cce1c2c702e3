"""The webhooks REST API: thin views over services and selectors."""

from collections.abc import Callable
from typing import TypeVar

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from hub.api import validated
from hub.openapi import api_errors
from webhooks import payloads, selectors, services
from webhooks import schema as o
from webhooks import serializers as s

AUTHENTICATED = [permissions.IsAuthenticated]
_T = TypeVar("_T")


def _checked(change: Callable[[], _T]) -> _T:
    try:
        return change()
    except services.WebhookInvalid as invalid:
        raise serializers.ValidationError(invalid.errors) from None


class WebhookListView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="webhooks_list", parameters=[o.PAGE], responses={200: o.PaginatedWebhookOut})
    def get(self, request: AuthenticatedRequest) -> Response:
        paginator = PageNumberPagination()
        webhooks = selectors.webhooks_manageable_by(request.user).order_by("-created_at", "-pk")
        page = paginator.paginate_queryset(webhooks, request, view=self) or []
        return paginator.get_paginated_response([payloads.webhook_payload(webhook) for webhook in page])

    @extend_schema(
        operation_id="webhooks_create",
        request=s.WebhookCreateSerializer,
        responses={201: o.WebhookOut},
        description="Staff register webhooks for the whole Hub (no `space`); a space's moderators for their "
        "space. The URL must resolve to public addresses only (unless the Hub allows private ones). The "
        "`secret` signs every delivery and is never returned.",
    )
    @api_errors(403)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.WebhookCreateSerializer, request.data)
        webhook = _checked(lambda: services.webhook_register(by=request.user, **data))
        webhook = selectors.webhook_manageable(user=request.user, webhook_id=webhook.pk)
        return Response(payloads.webhook_payload(webhook), status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(operation_id="webhook_retrieve", responses={200: o.WebhookOut})
    def get(self, request: AuthenticatedRequest, webhook_id: int) -> Response:
        return Response(
            payloads.webhook_payload(selectors.webhook_manageable(user=request.user, webhook_id=webhook_id))
        )

    @extend_schema(
        operation_id="webhook_update",
        request=s.WebhookChangeSerializer,
        responses={200: o.WebhookOut},
        description="`{active: true}` turns a disabled webhook on again (deliveries skipped meanwhile can be "
        "redelivered); `{active: false}` turns it off.",
    )
    def patch(self, request: AuthenticatedRequest, webhook_id: int) -> Response:
        data = validated(s.WebhookChangeSerializer, request.data)
        services.webhook_enable(by=request.user, webhook_id=webhook_id, active=data["active"])
        return Response(
            payloads.webhook_payload(selectors.webhook_manageable(user=request.user, webhook_id=webhook_id))
        )

    @extend_schema(operation_id="webhook_delete", responses={204: None})
    def delete(self, request: AuthenticatedRequest, webhook_id: int) -> Response:
        services.webhook_delete(by=request.user, webhook_id=webhook_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="webhook_deliveries_list",
        parameters=[o.PAGE],
        responses={200: o.PaginatedDeliveryOut},
        description="The delivery log, newest first: each delivery's status and its attempts (time, HTTP "
        "status or error, duration).",
    )
    def get(self, request: AuthenticatedRequest, webhook_id: int) -> Response:
        webhook = selectors.webhook_manageable(user=request.user, webhook_id=webhook_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.deliveries_of(webhook), request, view=self) or []
        return paginator.get_paginated_response([payloads.delivery_payload(delivery) for delivery in page])


class DeliveryRedeliverView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="webhook_delivery_redeliver",
        request=None,
        responses={201: o.DeliveryOut},
        description="Sends the same event and data again as a new delivery (its own id, `redelivery_of` the "
        "original), after the webhook's other deliveries. 409 while the original is still being sent, or "
        "when the webhook is disabled.",
    )
    @api_errors(409)
    def post(self, request: AuthenticatedRequest, webhook_id: int, delivery_id: int) -> Response:
        delivery = services.delivery_redeliver(by=request.user, webhook_id=webhook_id, delivery_id=delivery_id)
        return Response(payloads.delivery_payload(delivery), status=status.HTTP_201_CREATED)
