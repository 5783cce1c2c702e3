"""DELETE /api/v1/auth/token/: the caller's token stops working (its sockets close: see
tests/discussions/test_socket_standing.py)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import token_for

pytestmark = pytest.mark.django_db


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_revoking_answers_204_and_the_token_no_longer_authenticates(user):
    token = token_for(user)
    client = client_with(token)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(key=token).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_revoking_needs_authentication(user):
    token_for(user)
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
    assert Token.objects.filter(user=user).exists()


def test_a_stale_token_does_not_stop_logging_in(user):
    stale = token_for(user)
    Token.objects.filter(key=stale).delete()
    user.set_password("a long enough password")
    user.save()
    response = client_with(stale).post(
        "/api/v1/auth/token/", {"username": user.username, "password": "a long enough password"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] != stale
