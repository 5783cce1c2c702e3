from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import logout
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.callers import AuthenticatedRequest
from accounts.erasure import user_erase
from accounts.export import export_chunks, export_chunks_async, export_filename, export_head
from accounts.serializers import (
    AccountDeleteSerializer,
    MeSerializer,
    RegisteredUserSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from hub.errors import ErrorCode, HubError
from hub.openapi import api_errors

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class RegisterThrottle(SimpleRateThrottle):
    """Registrations per client address, at ``settings.REGISTER_THROTTLE_RATE``."""

    scope = "register"

    def get_rate(self) -> str:
        return settings.REGISTER_THROTTLE_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegisterView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [RegisterThrottle]

    @extend_schema(operation_id="auth_register", request=RegisterSerializer, responses={201: RegisteredUserSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(RegisteredUserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """POST exchanges a username and password for the API token; DELETE revokes the caller's token."""

    permission_classes = [permissions.AllowAny]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Logging in must not be refused over a stale token or session sent along with it.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> "Sequence[_SupportsHasPermission]":
        if self.request is not None and self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(operation_id="auth_token_create", request=TokenRequestSerializer, responses={200: TokenSerializer})
    @api_errors(429)  # the login throttle (accounts.login_throttle), counted per username
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_authenticate(request=request._request, **serializer.validated_data)
        if user is None:
            raise HubError(ErrorCode.INVALID_CREDENTIALS, _("Unable to log in with the provided credentials."))
        return Response({"token": services.token_for(user)})

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest) -> Response:
        """Sockets opened with the token are closed with 4401 on every server process."""
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="me_retrieve", responses=MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(operation_id="me_update", request=MeSerializer, responses=MeSerializer)
    def patch(self, request: AuthenticatedRequest) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)

    @extend_schema(operation_id="me_delete", request=AccountDeleteSerializer, responses={204: None})
    @api_errors(400, 429)  # the password is checked under the login throttle
    def delete(self, request: AuthenticatedRequest) -> Response:
        """Erases the account (``accounts.erasure``): personal data gone, messages kept as a deleted user's."""
        serializer = AccountDeleteSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        user_erase(user_id=request.user.pk)
        logout(request._request)  # the session this request came with, if any
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    """Everything the Hub holds about the caller, as one JSON document, streamed."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_export",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The export (docs/api.md, 'Data rights').")},
    )
    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        user, head = request.user, export_head()
        # Served through ASGI the chunks must come from an async iterator (see accounts.export).
        if isinstance(request._request, ASGIRequest):
            response = StreamingHttpResponse(export_chunks_async(user, head), content_type="application/json")
        else:
            response = StreamingHttpResponse(export_chunks(user, head), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(user)}"'
        response["Cache-Control"] = "no-store"
        return response
