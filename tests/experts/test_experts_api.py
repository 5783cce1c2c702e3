"""The expert directory's REST API: profiles (create once, edit, verify), validation, and the
rule that an expert's email address is in no response."""

import pytest
from rest_framework.test import APIClient

from experts.models import Expert
from tests.experts.factories import ExpertFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "Amina Diallo",
    "title": "Labour migration adviser",
    "organization": "Sahel Mobility Institute",
    "bio": "Fair recruitment and remittances.",
    "objectives": ["6", "20"],
    "regions": ["africa"],
    "countries": ["sn", "ML"],
    "languages": ["fr", "en"],
    "keywords": ["recruitment fees", "remittances"],
    "available_for": ["advisory", "speaking"],
}


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def owner(taxonomy):
    return UserFactory.create()


@pytest.fixture
def expert(owner):
    return ExpertFactory.create(user=owner, email="amina.private@experts.example")


class TestCreate:
    def test_a_user_creates_their_own_profile_once(self, owner):
        response = as_user(owner).post("/api/v1/experts/", PROFILE)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["username"] == owner.username
        assert (body["countries"], body["verified"], body["accepts_contact"]) == (["SN", "ML"], False, True)
        expert = Expert.objects.get(pk=body["id"])
        assert (expert.user, expert.email) == (owner, owner.email)  # the account's address by default

        again = as_user(owner).post("/api/v1/experts/", {**PROFILE, "name": "Amina D."})
        assert again.status_code == 409
        assert again.json()["code"] == "conflict"
        assert Expert.objects.filter(user=owner).count() == 1

    def test_me_names_the_caller_profile(self, owner):
        assert as_user(owner).get("/api/v1/me/").json()["expert_id"] is None
        created = as_user(owner).post("/api/v1/experts/", PROFILE).json()
        assert as_user(owner).get("/api/v1/me/").json()["expert_id"] == created["id"]

    def test_a_user_may_give_another_contact_address(self, owner):
        body = as_user(owner).post("/api/v1/experts/", {**PROFILE, "email": "desk@sahel.example"}).json()
        assert Expert.objects.get(pk=body["id"]).email == "desk@sahel.example"

    def test_anonymous_callers_cannot_create(self, api_client, taxonomy):
        assert api_client.post("/api/v1/experts/", PROFILE).status_code == 401
        assert not Expert.objects.exists()

    def test_staff_create_the_profile_of_another_user(self, owner, staff_user):
        response = as_user(staff_user).post("/api/v1/experts/", {**PROFILE, "username": owner.username.upper()})
        assert response.status_code == 201
        assert response.json()["username"] == owner.username
        assert Expert.objects.get(user=owner).email == owner.email
        assert as_user(staff_user).post("/api/v1/experts/", {**PROFILE, "username": owner.username}).status_code == 409

    def test_staff_create_a_profile_for_someone_without_an_account(self, staff_user, taxonomy):
        body = {**PROFILE, "username": None, "email": "roster@iom.example", "verified": True}
        response = as_user(staff_user).post("/api/v1/experts/", body)
        assert response.status_code == 201
        assert (response.json()["username"], response.json()["verified"]) == (None, True)
        expert = Expert.objects.get(pk=response.json()["id"])
        assert (expert.user, expert.email) == (None, "roster@iom.example")
        assert not Expert.objects.filter(user=staff_user).exists()

    def test_a_profile_without_an_account_needs_an_email(self, staff_user, taxonomy):
        response = as_user(staff_user).post("/api/v1/experts/", {**PROFILE, "username": None})
        assert response.status_code == 400
        assert "email" in response.json()

    def test_a_staff_member_naming_an_unknown_user_gets_400(self, staff_user, taxonomy):
        response = as_user(staff_user).post("/api/v1/experts/", {**PROFILE, "username": "nobody-here"})
        assert response.status_code == 400
        assert not Expert.objects.exists()

    def test_others_cannot_create_profiles_for_someone_else(self, owner):
        other = UserFactory.create()
        assert as_user(owner).post("/api/v1/experts/", {**PROFILE, "username": other.username}).status_code == 403
        body = {**PROFILE, "username": None, "email": "x@example.org"}
        assert as_user(owner).post("/api/v1/experts/", body).status_code == 403
        assert not Expert.objects.exists()

    def test_naming_oneself_is_one_own_profile(self, owner):
        response = as_user(owner).post("/api/v1/experts/", {**PROFILE, "username": owner.username})
        assert response.status_code == 201
        assert Expert.objects.get().user == owner


class TestValidation:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("objectives", ["24"]),
            ("principles", ["not-a-principle"]),
            ("regions", ["atlantis"]),
            ("countries", ["XX"]),
            ("languages", ["tlh"]),
            ("available_for", ["lunch"]),
            ("profile_language", "de"),
            ("bio", "x" * 5_001),
            ("keywords", [f"k{n}" for n in range(31)]),
            ("keywords", ["x" * 61]),
            ("name", ""),
        ],
    )
    def test_invalid_field_is_400_naming_it(self, owner, field, value):
        response = as_user(owner).post("/api/v1/experts/", {**PROFILE, field: value})
        assert response.status_code == 400
        assert field in response.json()
        assert not Expert.objects.exists()

    def test_limits_are_inclusive(self, owner):
        body = {**PROFILE, "bio": "x" * 5_000, "keywords": [f"{n}".rjust(60, "k") for n in range(30)]}
        assert as_user(owner).post("/api/v1/experts/", body).status_code == 201

    def test_patch_validates_too(self, owner, expert):
        response = as_user(owner).patch(f"/api/v1/experts/{expert.pk}/", {"objectives": ["99"]})
        assert response.status_code == 400
        assert "objectives" in response.json()


class TestEdit:
    def test_the_owner_edits_their_profile(self, owner, expert):
        response = as_user(owner).patch(
            f"/api/v1/experts/{expert.pk}/", {"title": "Director", "accepts_contact": False, "email": "new@x.example"}
        )
        assert response.status_code == 200
        assert (response.json()["title"], response.json()["accepts_contact"]) == ("Director", False)
        expert.refresh_from_db()
        assert (expert.title, expert.accepts_contact, expert.email) == ("Director", False, "new@x.example")

    def test_someone_else_cannot_edit_it(self, expert):
        stranger = UserFactory.create()
        response = as_user(stranger).patch(f"/api/v1/experts/{expert.pk}/", {"title": "Impostor"})
        assert response.status_code == 403
        expert.refresh_from_db()
        assert expert.title != "Impostor"

    def test_anonymous_callers_cannot_edit_it(self, api_client, expert):
        assert api_client.patch(f"/api/v1/experts/{expert.pk}/", {"title": "Impostor"}).status_code == 401

    def test_staff_edit_any_profile(self, staff_user, expert):
        response = as_user(staff_user).patch(f"/api/v1/experts/{expert.pk}/", {"title": "Checked"})
        assert response.status_code == 200
        assert response.json()["title"] == "Checked"

    def test_a_missing_profile_is_404(self, owner):
        assert as_user(owner).patch("/api/v1/experts/999999/", {"title": "x"}).status_code == 404


class TestVerified:
    def test_only_staff_verify(self, owner, expert, staff_user):
        response = as_user(owner).patch(f"/api/v1/experts/{expert.pk}/", {"verified": True, "title": "Verified!"})
        assert response.status_code == 403
        expert.refresh_from_db()
        assert (expert.verified, expert.title) == (False, "Migration policy adviser")  # nothing changed

        response = as_user(staff_user).patch(f"/api/v1/experts/{expert.pk}/", {"verified": True})
        assert response.status_code == 200
        assert response.json()["verified"] is True

    def test_the_owner_cannot_unverify_either(self, owner, taxonomy):
        expert = ExpertFactory.create(user=owner, verified=True)
        assert as_user(owner).patch(f"/api/v1/experts/{expert.pk}/", {"verified": False}).status_code == 403
        expert.refresh_from_db()
        assert expert.verified

    def test_sending_back_the_current_value_is_no_change(self, owner, expert):
        read = as_user(owner).get(f"/api/v1/experts/{expert.pk}/").json()
        response = as_user(owner).patch(f"/api/v1/experts/{expert.pk}/", {"verified": read["verified"], "title": "T"})
        assert response.status_code == 200
        assert response.json()["title"] == "T"

    def test_a_user_cannot_create_a_verified_profile(self, owner):
        assert as_user(owner).post("/api/v1/experts/", {**PROFILE, "verified": True}).status_code == 403
        assert not Expert.objects.exists()


class TestRead:
    def test_anyone_reads_a_profile(self, api_client, expert):
        body = api_client.get(f"/api/v1/experts/{expert.pk}/").json()
        assert set(body) == {
            "id", "name", "title", "organization", "bio", "objectives", "principles", "regions", "countries",
            "languages", "keywords", "available_for", "accepts_contact", "updated_at", "verified",
            "profile_language", "username", "questions_answered",
        }  # fmt: skip
        assert (body["id"], body["username"], body["objectives"]) == (expert.pk, expert.user.username, ["6"])

    def test_a_missing_profile_is_404(self, api_client, taxonomy):
        assert api_client.get("/api/v1/experts/999999/").status_code == 404

    def test_markup_in_a_bio_comes_back_as_written(self, api_client, owner):
        script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        expert = ExpertFactory.create(user=owner, bio=script, name="<b>Bold</b>")
        body = api_client.get(f"/api/v1/experts/{expert.pk}/").json()
        assert (body["bio"], body["name"]) == (script, "<b>Bold</b>")
