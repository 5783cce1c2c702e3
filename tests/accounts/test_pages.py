from datetime import UTC, datetime

import pytest

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
REGISTER = "/accounts/register/"


def test_login_page_logs_the_user_in(client, user):
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == user.username


def test_wrong_password_redisplays_the_form_with_an_error(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert "_auth_user_id" not in client.session


def test_login_page_shares_the_throttle_with_the_api(client, api_client, user, time_machine):
    time_machine.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False)
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_register_page_creates_and_logs_in_the_user(client):
    response = client.post(
        REGISTER,
        {"username": "kwame", "email": "kwame@ilo.example", "display_name": "Kwame M.",
         "password1": "Savanna-Crossing-2018", "password2": "Savanna-Crossing-2018"},
    )  # fmt: skip
    assert response.status_code == 302
    assert User.objects.get(username="kwame").display_name == "Kwame M."
    assert client.get("/api/v1/me/").json()["username"] == "kwame"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password1": "Savanna-Crossing-2018", "password2": "different-Password-1"}, b"The two passwords differ"),
        ({"password1": "password", "password2": "password"}, b"too common"),
        ({"email": "not-an-email"}, b"valid email"),
    ],
)
def test_register_page_refuses_bad_input_and_creates_nothing(client, data, field):
    payload = {"username": "kwame", "email": "kwame@ilo.example",
               "password1": "Savanna-Crossing-2018", "password2": "Savanna-Crossing-2018", **data}  # fmt: skip
    response = client.post(REGISTER, payload)
    assert response.status_code == 400
    assert field in response.content
    assert not User.objects.exists()


def test_pages_carry_a_csp_with_a_nonce(client):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content
    assert "object-src 'none'" in policy
