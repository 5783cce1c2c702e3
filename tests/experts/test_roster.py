"""The Peer Review Roster: applying, one pending application at a time, staff approving or rejecting."""

import pytest

from experts.models import Reviewer, ReviewerApplication
from tests.experts.review_helpers import as_user, roster_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/reviewer-applications/"


def apply(client, motivation="Ten years of labour migration research.", objectives=("6", "general")):
    return client.post(APPLICATIONS, {"motivation": motivation, "objectives": list(objectives)}, format="json")


class TestApplying:
    def test_an_application_is_pending_with_its_objectives(self, taxonomy):
        applicant = UserFactory.create()
        response = apply(as_user(applicant))
        assert response.status_code == 201
        body = response.json()
        assert (body["username"], body["status"], body["objectives"]) == (
            applicant.username,
            "pending",
            ["6", "general"],
        )
        assert (body["decided_by"], body["decided_at"]) == (None, None)
        assert not Reviewer.objects.filter(user=applicant).exists()

    def test_a_second_application_while_one_is_pending_is_409(self, taxonomy):
        client = as_user(UserFactory.create())
        assert apply(client).status_code == 201
        second = apply(client, motivation="Again")
        assert (second.status_code, second.json()["code"]) == (409, "conflict")
        assert ReviewerApplication.objects.count() == 1

    def test_someone_on_the_roster_already_cannot_apply(self, taxonomy):
        response = apply(as_user(roster_member()))
        assert response.status_code == 409
        assert ReviewerApplication.objects.count() == 0

    def test_unknown_objectives_and_a_missing_motivation_are_400_by_field(self, taxonomy):
        client = as_user(UserFactory.create())
        response = client.post(APPLICATIONS, {"objectives": ["99"]}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"motivation", "objectives"}

    def test_anonymous_callers_cannot_apply(self, api_client, taxonomy):
        assert apply(api_client).status_code == 401

    def test_after_a_rejection_one_may_apply_again(self, taxonomy, staff_user):
        applicant = UserFactory.create()
        first = apply(as_user(applicant)).json()
        as_user(staff_user).post(f"{APPLICATIONS}{first['id']}/reject/")
        assert apply(as_user(applicant)).status_code == 201


class TestDeciding:
    def test_staff_approval_puts_the_applicant_on_the_roster_with_the_objectives(self, taxonomy, staff_user):
        applicant = UserFactory.create()
        application = apply(as_user(applicant), objectives=["9", "10"]).json()
        response = as_user(staff_user).post(f"{APPLICATIONS}{application['id']}/approve/")
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["decided_by"]) == ("approved", staff_user.username)
        assert body["decided_at"] is not None
        assert Reviewer.objects.get(user=applicant).objectives == ["9", "10"]

    def test_rejection_leaves_the_roster_as_it_was(self, taxonomy, staff_user):
        applicant = UserFactory.create()
        application = apply(as_user(applicant)).json()
        response = as_user(staff_user).post(f"{APPLICATIONS}{application['id']}/reject/")
        assert (response.status_code, response.json()["status"]) == (200, "rejected")
        assert not Reviewer.objects.filter(user=applicant).exists()

    def test_only_staff_decide(self, taxonomy):
        application = apply(as_user(UserFactory.create())).json()
        for action in ("approve", "reject"):
            response = as_user(roster_member()).post(f"{APPLICATIONS}{application['id']}/{action}/")
            assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert ReviewerApplication.objects.get().status == "pending"

    def test_a_decided_application_cannot_be_decided_again(self, taxonomy, staff_user):
        application = apply(as_user(UserFactory.create())).json()
        staff = as_user(staff_user)
        assert staff.post(f"{APPLICATIONS}{application['id']}/approve/").status_code == 200
        assert staff.post(f"{APPLICATIONS}{application['id']}/reject/").status_code == 409
        assert staff.post(f"{APPLICATIONS}{application['id']}/approve/").status_code == 409
        assert ReviewerApplication.objects.get().status == "approved"

    def test_an_unknown_application_is_404(self, staff_user):
        assert as_user(staff_user).post(f"{APPLICATIONS}999/approve/").status_code == 404


class TestListing:
    def test_staff_see_every_application_and_filter_the_pending_ones(self, taxonomy, staff_user):
        ids = [apply(as_user(UserFactory.create())).json()["id"] for _ in range(3)]
        as_user(staff_user).post(f"{APPLICATIONS}{ids[0]}/reject/")
        everything = as_user(staff_user).get(APPLICATIONS).json()
        assert [row["id"] for row in everything["results"]] == ids[::-1]  # newest first
        pending = as_user(staff_user).get(f"{APPLICATIONS}?status=pending").json()
        assert [row["id"] for row in pending["results"]] == ids[:0:-1]

    def test_others_see_only_their_own(self, taxonomy):
        applicant = UserFactory.create()
        mine = apply(as_user(applicant)).json()["id"]
        apply(as_user(UserFactory.create()))
        listed = as_user(applicant).get(APPLICATIONS).json()
        assert [row["id"] for row in listed["results"]] == [mine]

    def test_an_unknown_status_filter_is_400(self, staff_user):
        assert as_user(staff_user).get(f"{APPLICATIONS}?status=maybe").status_code == 400
