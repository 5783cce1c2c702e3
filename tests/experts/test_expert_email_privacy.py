"""An expert's email address is input only: no answer of any expert endpoint carries it, to
anyone (the expert themself and staff included), and no contact list carries a sender's."""

import pytest
from rest_framework.test import APIClient

from experts.models import Expert
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRETS = (
    "secret-amina@hidden.example",
    "secret-new@hidden.example",
    "secret-own@hidden.example",
    "secret-roster@hidden.example",
    "secret-sender@hidden.example",
)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_no_expert_endpoint_answers_with_an_email_address(taxonomy, staff_user):
    owner = UserFactory.create(email="secret-account@hidden.example")
    expert = ExpertFactory.create(user=owner, email=SECRETS[0])
    sender = UserFactory.create(email=SECRETS[4])
    newcomer = UserFactory.create()
    anonymous, as_owner, as_staff, as_sender = APIClient(), as_user(owner), as_user(staff_user), as_user(sender)
    detail, profile = f"/api/v1/experts/{expert.pk}/", {"name": "Someone", "objectives": ["6"]}

    answers = [
        anonymous.get("/api/v1/experts/"),
        anonymous.get(detail),
        as_owner.get("/api/v1/experts/?objective=6"),
        as_owner.get(detail),
        as_owner.patch(detail, {"email": SECRETS[1], "title": "Adviser"}),
        as_owner.post("/api/v1/experts/", {**profile, "email": SECRETS[2]}),  # 409: has one
        as_user(newcomer).post("/api/v1/experts/", {**profile, "email": SECRETS[2]}),
        as_staff.post("/api/v1/experts/", {**profile, "username": None, "email": SECRETS[3]}),
        as_staff.patch(detail, {"verified": True}),
        as_staff.get(detail),
        as_sender.post(f"{detail}contact/", {"subject": "Hello", "message": "Hi"}),
        as_owner.get(f"{detail}contacts/"),
        as_staff.get(f"{detail}contacts/"),
        as_staff.get("/api/v1/experts/?page_size=100"),
    ]

    assert [answer.status_code for answer in answers] == [
        200, 200, 200, 200, 200, 409, 201, 201, 200, 200, 202, 200, 200, 200,
    ]  # fmt: skip
    assert Expert.objects.get(pk=expert.pk).email == SECRETS[1]
    assert Expert.objects.filter(email__in=SECRETS).count() == 3
    for answer in answers:
        text = answer.content.decode().lower()
        assert "@hidden.example" not in text, f"{answer.request['PATH_INFO']}: {text[:300]}"
