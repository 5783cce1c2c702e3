from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import (
    MeSerializer,
    RegisteredUserSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from hub.errors import HubError
from hub.openapi import api_errors


class RegisterThrottle(SimpleRateThrottle):
    """Registrations per client address, at ``settings.REGISTER_THROTTLE_RATE``."""

    scope = "register"

    def get_rate(self) -> str:
        return settings.REGISTER_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
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
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="auth_token_create", request=TokenRequestSerializer, responses={200: TokenSerializer})
    @api_errors(429)  # the login throttle (accounts.login_throttle), counted per username
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_authenticate(request=request._request, **serializer.validated_data)
        if user is None:
            raise HubError("invalid_credentials", _("Unable to log in with the provided credentials."))
        return Response({"token": services.token_for(user)})


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="me_retrieve", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(operation_id="me_update", request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)
