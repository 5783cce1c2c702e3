"""Peer review: staff assign roster members, assigned reviewers decide, and everyone concerned is told."""

import pytest

from experts.models import Resource, Review, ReviewAssignment
from experts.services.review import review_submit
from hub.errors import HubError
from notifications.models import Notification
from tests.experts.factories import ResourceFactory
from tests.experts.review_helpers import approve, as_user, in_review, reject, roster_member, submitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assign(client, resource, *usernames):
    return client.post(f"/api/v1/resources/{resource.pk}/assign/", {"usernames": list(usernames)}, format="json")


def notified(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


class TestAssignment:
    def test_staff_assign_roster_members_which_puts_the_resource_in_review_and_notifies_them(
        self, taxonomy, staff_user
    ):
        resource = submitted()
        first, second = roster_member(), roster_member()
        response = assign(as_user(staff_user), resource, first.username, second.username.upper())
        assert response.status_code == 200
        body = response.json()
        assert body["resource"]["status"] == "in_review"
        assert body["reviewers"] == body["added"] == [first.username, second.username]
        resource.refresh_from_db()
        assert resource.status == Resource.Status.IN_REVIEW
        for reviewer in (first, second):
            [notification] = notified(reviewer, Notification.Kind.REVIEW_ASSIGNED)
            assert resource.title in notification.title
            assert notification.url == f"/resources/{resource.pk}/"

    def test_assigning_again_changes_nothing_and_notifies_once(self, taxonomy, staff_user):
        resource = submitted()
        reviewer, newcomer = roster_member(), roster_member()
        assign(as_user(staff_user), resource, reviewer.username)
        body = assign(as_user(staff_user), resource, reviewer.username, newcomer.username).json()
        assert body["reviewers"] == [reviewer.username, newcomer.username]
        assert body["added"] == [newcomer.username]
        assert ReviewAssignment.objects.filter(resource=resource).count() == 2
        assert len(notified(reviewer, Notification.Kind.REVIEW_ASSIGNED)) == 1

    def test_names_off_the_roster_are_400_naming_them_and_nobody_is_assigned(self, taxonomy, staff_user):
        resource = submitted()
        member, outsider = roster_member(), UserFactory.create()
        response = assign(as_user(staff_user), resource, member.username, outsider.username, "nobody-at-all")
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert outsider.username in detail and "nobody-at-all" in detail and member.username not in detail
        assert not ReviewAssignment.objects.exists()
        resource.refresh_from_db()
        assert resource.status == Resource.Status.SUBMITTED
        assert not Notification.objects.exists()

    def test_the_submitter_is_never_assigned_even_from_the_roster(self, taxonomy, staff_user):
        author = roster_member()
        resource = submitted(by=author)
        response = assign(as_user(staff_user), resource, author.username)
        assert response.status_code == 400
        assert author.username in response.json()["detail"]
        assert not ReviewAssignment.objects.exists()

    def test_only_staff_assign(self, taxonomy):
        resource = submitted()
        reviewer = roster_member()
        response = assign(as_user(reviewer), resource, reviewer.username)
        assert response.status_code == 403
        assert not ReviewAssignment.objects.exists()

    @pytest.mark.parametrize("status", [Resource.Status.APPROVED, Resource.Status.REJECTED])
    def test_a_decided_resource_takes_no_reviewers(self, taxonomy, staff_user, status):
        resource = ResourceFactory.create(status=status)
        assert assign(as_user(staff_user), resource, roster_member().username).status_code == 409
        assert not ReviewAssignment.objects.exists()

    def test_an_unknown_resource_is_404_and_an_empty_list_400(self, taxonomy, staff_user):
        missing = Resource(pk=4242)
        assert assign(as_user(staff_user), missing, roster_member().username).status_code == 404
        assert assign(as_user(staff_user), submitted()).status_code == 400


class TestReviewRefusals:
    @pytest.mark.parametrize("declaration", [{}, {"no_conflict_of_interest": False}])
    def test_a_review_without_the_declaration_is_400_naming_it(self, taxonomy, declaration):
        reviewer = roster_member()
        resource = in_review(reviewer)
        response = as_user(reviewer).post(
            f"/api/v1/resources/{resource.pk}/reviews/", {"decision": "approve", **declaration}, format="json"
        )
        assert response.status_code == 400
        assert set(response.json()) == {"no_conflict_of_interest"}
        assert not Review.objects.exists()

    def test_the_service_refuses_a_missing_declaration_too(self, taxonomy):
        reviewer = roster_member()
        resource = in_review(reviewer)
        with pytest.raises(HubError) as refusal:
            review_submit(
                reviewer=reviewer, resource_id=resource.pk, decision=Review.Decision.APPROVE, comment="",
                no_conflict_of_interest=False,
            )  # fmt: skip
        assert refusal.value.status == 400
        assert not Review.objects.exists()

    def test_an_unassigned_reviewer_who_cannot_see_it_gets_404(self, taxonomy):
        resource = in_review(roster_member())
        response = approve(as_user(roster_member()), resource)
        assert response.status_code == 404
        assert not Review.objects.exists()

    def test_an_unassigned_caller_who_can_see_it_gets_403(self, taxonomy, staff_user):
        resource = in_review(roster_member())
        response = approve(as_user(staff_user), resource)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert not Review.objects.exists()

    def test_the_submitter_never_reviews_their_own_submission_even_if_assigned(self, taxonomy):
        author = roster_member()
        resource = in_review(roster_member(), by=author)
        ReviewAssignment.objects.create(resource=resource, reviewer=author)  # past the assignment rules
        response = approve(as_user(author), resource)
        assert response.status_code == 403
        assert not Review.objects.exists()

    def test_a_second_review_by_the_same_reviewer_is_409(self, taxonomy):
        reviewer = roster_member()
        resource = in_review(reviewer, roster_member())
        assert approve(as_user(reviewer), resource).status_code == 201
        second = reject(as_user(reviewer), resource)
        assert (second.status_code, second.json()["code"]) == (409, "conflict")
        assert Review.objects.count() == 1
        resource.refresh_from_db()
        assert resource.status == Resource.Status.IN_REVIEW

    def test_a_decided_resource_takes_no_more_reviews(self, taxonomy):
        first, late = roster_member(), roster_member()
        resource = in_review(first, late)
        reject(as_user(first), resource)
        assert approve(as_user(late), resource).status_code == 409
        resource.refresh_from_db()
        assert resource.status == Resource.Status.REJECTED

    def test_anonymous_callers_are_401(self, api_client, taxonomy):
        resource = in_review(roster_member())
        assert approve(api_client, resource).status_code == 401


class TestDecisions:
    def test_one_approval_leaves_it_in_review_and_two_publish_it(self, taxonomy):
        author, first, second = UserFactory.create(), roster_member(), roster_member()
        resource = in_review(first, second, by=author)
        response = approve(as_user(first), resource)
        assert response.status_code == 201
        body = response.json()
        assert (body["review"]["reviewer"], body["review"]["decision"]) == (first.username, "approve")
        assert body["resource"]["status"] == "in_review"
        assert not Notification.objects.filter(kind=Notification.Kind.RESOURCE_DECISION).exists()

        body = approve(as_user(second), resource).json()
        assert body["resource"]["status"] == "approved"
        resource.refresh_from_db()
        assert resource.status == Resource.Status.APPROVED
        assert resource.decided_at is not None
        # Now everyone sees it.
        assert as_user(UserFactory.create()).get(f"/api/v1/resources/{resource.pk}/").status_code == 200

    def test_the_submitter_and_the_other_reviewers_are_told_of_a_publication(self, taxonomy):
        author, first, second, silent = UserFactory.create(), roster_member(), roster_member(), roster_member()
        resource = in_review(first, second, silent, by=author)
        approve(as_user(first), resource)
        approve(as_user(second), resource)
        [to_author] = notified(author, Notification.Kind.RESOURCE_DECISION)
        assert resource.title in to_author.title and "published" in to_author.title
        assert to_author.url == f"/resources/{resource.pk}/"
        assert len(notified(first, Notification.Kind.RESOURCE_DECISION)) == 1
        assert len(notified(silent, Notification.Kind.RESOURCE_DECISION)) == 1
        # The reviewer whose approval decided it sees the outcome in their answer.
        assert notified(second, Notification.Kind.RESOURCE_DECISION) == []

    def test_one_rejection_rejects_it_and_the_submitter_is_told(self, taxonomy):
        author, first, second = UserFactory.create(), roster_member(), roster_member()
        resource = in_review(first, second, by=author)
        approve(as_user(first), resource)
        response = reject(as_user(second), resource)
        assert response.json()["resource"]["status"] == "rejected"
        resource.refresh_from_db()
        assert (resource.status, resource.decided_at is not None) == (Resource.Status.REJECTED, True)
        [to_author] = notified(author, Notification.Kind.RESOURCE_DECISION)
        assert "not accepted" in to_author.title
        assert len(notified(first, Notification.Kind.RESOURCE_DECISION)) == 1
        # Still hidden from everyone else.
        assert as_user(UserFactory.create()).get(f"/api/v1/resources/{resource.pk}/").status_code == 404

    def test_a_deleted_submitter_does_not_stop_the_decision(self, taxonomy):
        author, reviewer = UserFactory.create(), roster_member()
        resource = in_review(reviewer, by=author)
        author.delete()
        assert reject(as_user(reviewer), resource).json()["resource"]["status"] == "rejected"


class TestReadingReviews:
    def reviews(self, client, resource):
        return client.get(f"/api/v1/resources/{resource.pk}/reviews/")

    def test_staff_read_every_review_with_the_reviewers(self, taxonomy, staff_user):
        first, second = roster_member(), roster_member()
        resource = in_review(first, second)
        approve(as_user(first), resource, comment="Solid")
        body = self.reviews(as_user(staff_user), resource).json()
        assert [(row["reviewer"], row["comment"]) for row in body["results"]] == [(first.username, "Solid")]

    def test_an_assigned_reviewer_reads_the_others_only_after_giving_their_own(self, taxonomy):
        first, second = roster_member(), roster_member()
        resource = in_review(first, second, roster_member())
        approve(as_user(first), resource)
        assert self.reviews(as_user(second), resource).json()["results"] == []
        approve(as_user(second), resource)
        rows = self.reviews(as_user(second), resource).json()["results"]
        assert [row["reviewer"] for row in rows] == [first.username, second.username]

    def test_the_submitter_reads_them_blind_once_decided_and_not_before(self, taxonomy):
        author, first = UserFactory.create(), roster_member()
        resource = in_review(first, roster_member(), by=author)
        assert self.reviews(as_user(author), resource).status_code == 403
        reject(as_user(first), resource, comment="Dated figures")
        rows = self.reviews(as_user(author), resource).json()["results"]
        assert [(row["reviewer"], row["decision"], row["comment"]) for row in rows] == [
            (None, "reject", "Dated figures")
        ]

    def test_others_who_see_the_resource_get_403_and_those_who_cannot_404(self, taxonomy):
        pending = in_review(roster_member())
        published = ResourceFactory.create()
        stranger = as_user(UserFactory.create())
        assert self.reviews(stranger, pending).status_code == 404
        assert self.reviews(stranger, published).status_code == 403

    def test_anonymous_callers_are_401(self, api_client, taxonomy):
        assert self.reviews(api_client, ResourceFactory.create()).status_code == 401


class TestMyAssignments:
    def test_a_reviewer_sees_their_assignments_waiting_ones_first_with_their_decision(self, taxonomy):
        reviewer = roster_member()
        waiting = in_review(reviewer, title="Waiting one")
        done = in_review(reviewer, roster_member(), title="Reviewed one")  # newer, but reviewed already
        in_review(roster_member(), title="Someone else's")
        approve(as_user(reviewer), done)
        body = as_user(reviewer).get("/api/v1/me/review-assignments/").json()
        rows = [(row["resource"]["title"], row["reviewed"], row["decision"]) for row in body["results"]]
        assert rows == [("Waiting one", False, None), ("Reviewed one", True, "approve")]
        assert body["results"][0]["resource"]["id"] == waiting.pk

    def test_newest_assignment_first_among_the_waiting(self, taxonomy, staff_user):
        reviewer = roster_member()
        older, newer = submitted(title="Older"), submitted(title="Newer")
        assign(as_user(staff_user), older, reviewer.username)
        assign(as_user(staff_user), newer, reviewer.username)
        rows = as_user(reviewer).get("/api/v1/me/review-assignments/").json()["results"]
        assert [row["resource"]["title"] for row in rows] == ["Newer", "Older"]

    def test_anonymous_callers_are_401(self, api_client):
        assert api_client.get("/api/v1/me/review-assignments/").status_code == 401
