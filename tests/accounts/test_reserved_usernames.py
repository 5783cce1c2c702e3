"""Names nobody may register: erased accounts' (``deleted-<id>``) and the groups of experts
(``objective-9-experts``, ``general-experts``), which a mention would otherwise share with an account."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

RESERVED = ["objective-9-experts", "Objective-23-Experts", "general-experts", "deleted-12"]
FREE = ["objective-experts", "general-expert", "deleted-twelve", "objective-9-expertsx"]


@pytest.mark.parametrize("username", RESERVED)
def test_the_api_refuses_a_reserved_name(username):
    response = APIClient().post(
        "/api/v1/auth/register/",
        {"username": username, "email": f"{username}@example.org", "password": "Savanna-Crossing-2018"},
        format="json",
    )
    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.filter(username=username).exists()


@pytest.mark.parametrize("username", RESERVED)
def test_the_page_refuses_a_reserved_name(username):
    response = Client().post(
        "/accounts/register/",
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": "Savanna-Crossing-2018",
            "password2": "Savanna-Crossing-2018",
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(username=username).exists()


@pytest.mark.parametrize("username", FREE)
def test_names_that_only_look_alike_are_free(username):
    response = APIClient().post(
        "/api/v1/auth/register/",
        {"username": username, "email": f"{username}@example.org", "password": "Savanna-Crossing-2018"},
        format="json",
    )
    assert response.status_code == 201, response.content
