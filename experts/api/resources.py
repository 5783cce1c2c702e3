"""The library's and peer review's REST API: thin views over ``experts.services`` and ``experts.selectors``."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from experts import search
from experts.payloads import resources as payloads
from experts.schema import resources as o
from experts.search.queries import ResourceQuery
from experts.selectors.resources import may_filter_by_status, resource_visible, resources_visible_to
from experts.selectors.review import (
    ReviewAssignmentWithDecision,
    resource_reviews_for,
    review_assignments_of,
    reviewer_applications_visible_to,
)
from experts.serializers import resources as s
from experts.services.resources import resource_submit
from experts.services.review import review_assign, review_submit
from experts.services.roster import reviewer_application_approve, reviewer_application_reject, reviewer_apply
from hub.api import validated
from hub.openapi import api_errors
from hub.pagination import page_body, page_request

AUTHENTICATED = [permissions.IsAuthenticated]

_M = TypeVar("_M", bound=Model)


def _paginated(request: Request, view: APIView, queryset: QuerySet[_M], to_item: Callable[[_M], object]) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view) or []  # None only without a page size
    return paginator.get_paginated_response([to_item(row) for row in page])


def _resource_query(request: Request) -> ResourceQuery:
    params = request.query_params
    data: dict[str, Any] = {name: params.getlist(name) for name in s.ResourceQuerySerializer.LISTS if name in params}
    if "q" in params:
        data["q"] = params["q"]
    query = validated(s.ResourceQuerySerializer, data)
    if query.get("status") and not may_filter_by_status(request.user):
        raise serializers.ValidationError({"status": [_("Only staff and peer reviewers filter by status.")]})
    return ResourceQuery(
        q=query.get("q", ""),
        kinds=tuple(query.get("kind", ())),
        objectives=tuple(query.get("objective", ())),
        principles=tuple(query.get("principle", ())),
        regions=tuple(query.get("region", ())),
        countries=tuple(query.get("country", ())),
        document_types=tuple(query.get("document_type", ())),
        languages=tuple(query.get("language", ())),
        scopes=tuple(query.get("scope", ())),
        statuses=tuple(query.get("status", ())),
    )


class ResourceListView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="resources_list",
        parameters=[s.ResourceQuerySerializer, o.PAGE, o.PAGE_SIZE],
        responses={200: o.ResourceListOut},
        description="The library: approved resources for everyone; signed-in callers also see their own "
        "submissions and the ones they are assigned to review, staff everything. Relevance order when `q` "
        "is given, else global before regional before national, then newest publication first. Each list "
        'filter is repeated for "any of" (`objective=9&objective=10`); `facets` counts the filtered set. '
        "`status` is for staff and roster reviewers (400 for anyone else).",
    )
    def get(self, request: Request) -> Response:
        query = _resource_query(request)
        page = page_request(request)
        found = search.search_resources(
            query, visible=resources_visible_to(request.user), offset=page.offset, limit=page.size
        )
        results = [payloads.resource_payload(resource) for resource in found.results]
        return Response(page_body(request, page, count=found.count, results=results, facets=found.facets))

    @extend_schema(
        operation_id="resource_submit",
        request=s.ResourceSubmitSerializer,
        responses={201: o.ResourceOut},
        description="Suggest a resource: it is `submitted`, seen only by the caller and staff until staff "
        "assign reviewers and two of them approve it. `document_type` is for documents only (400 for "
        "another kind); `url` must be http(s); `summary` at most 10,000 characters.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.ResourceSubmitSerializer, request.data)
        resource = resource_submit(submitter=request.user, **data)
        return Response(payloads.resource_payload(resource), status=status.HTTP_201_CREATED)


class ResourceDetailView(APIView):
    @extend_schema(
        operation_id="resource_retrieve",
        responses={200: o.ResourceOut},
        description="404 for a resource the caller may not see (another user's pending submission too).",
    )
    def get(self, request: Request, resource_id: int) -> Response:
        return Response(payloads.resource_payload(resource_visible(user=request.user, resource_id=resource_id)))


class ResourceAssignView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="resource_assign",
        request=s.AssignSerializer,
        responses={200: o.AssignmentResultOut},
        description="Staff assign roster members to review the resource, which moves it to `in_review`; "
        "each newly assigned reviewer is notified (`review_assigned`). 400 naming those not on the roster, "
        "or naming the submitter; 409 once the resource is approved or rejected. Assigning someone again "
        "changes nothing.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, resource_id: int) -> Response:
        data = validated(s.AssignSerializer, request.data)
        outcome = review_assign(staff=request.user, resource_id=resource_id, usernames=data["usernames"])
        return Response(
            payloads.assignment_result_payload(outcome.resource, reviewers=outcome.reviewers, added=outcome.added)
        )


class ResourceReviewsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="resource_reviews_list",
        parameters=[o.PAGE],
        responses={200: o.ReviewListOut},
        description="Staff: every review. An assigned reviewer: every review once they have given theirs or "
        "the resource is decided (none before: judgments are independent). The submitter: every review once "
        "the resource is decided, with `reviewer` null (403 before). Others who can see the resource: 403; "
        "those who cannot: 404.",
    )
    @api_errors(403)
    def get(self, request: AuthenticatedRequest, resource_id: int) -> Response:
        listing = resource_reviews_for(user=request.user, resource_id=resource_id)
        return _paginated(
            request,
            self,
            listing.reviews,
            lambda review: payloads.review_payload(review, reviewer_shown=listing.reviewers_shown),
        )

    @extend_schema(
        operation_id="resource_review_create",
        request=s.ReviewSerializer,
        responses={201: o.ReviewResultOut},
        description="An assigned reviewer's decision, with `no_conflict_of_interest: true` (missing or false: "
        "400). Two approvals publish the resource, one rejection rejects it, and the submitter and the other "
        "reviewers are notified (`resource_decision`). 403: not assigned, or the caller submitted it; 404: "
        "the caller cannot see it; 409: reviewed already, or the resource is not in review.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, resource_id: int) -> Response:
        data = validated(s.ReviewSerializer, request.data)
        outcome = review_submit(reviewer=request.user, resource_id=resource_id, **data)
        return Response(
            payloads.review_result_payload(outcome.review, outcome.resource), status=status.HTTP_201_CREATED
        )


class ReviewerApplicationListView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="reviewer_applications_list",
        parameters=[s.ReviewerApplicationQuerySerializer, o.PAGE],
        responses={200: o.ReviewerApplicationListOut},
        description="Staff: every application (`?status=pending` for those waiting); anyone else: their own. "
        "Newest first.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        query = validated(s.ReviewerApplicationQuerySerializer, request.query_params)
        applications = reviewer_applications_visible_to(request.user, status=query.get("status"))
        return _paginated(request, self, applications, payloads.reviewer_application_payload)

    @extend_schema(
        operation_id="reviewer_application_create",
        request=s.ReviewerApplicationSerializer,
        responses={201: o.ReviewerApplicationOut},
        description="Apply to join the Peer Review Roster. 409 with an application still pending, or for "
        "someone on the roster already.",
    )
    @api_errors(409)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.ReviewerApplicationSerializer, request.data)
        application = reviewer_apply(user=request.user, **data)
        return Response(payloads.reviewer_application_payload(application), status=status.HTTP_201_CREATED)


class ReviewerApplicationApproveView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="reviewer_application_approve",
        request=None,
        responses={200: o.ReviewerApplicationOut},
        description="Staff: the applicant joins the roster with the objectives they named. 409 once decided.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, application_id: int) -> Response:
        application = reviewer_application_approve(staff=request.user, application_id=application_id)
        return Response(payloads.reviewer_application_payload(application))


class ReviewerApplicationRejectView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="reviewer_application_reject",
        request=None,
        responses={200: o.ReviewerApplicationOut},
        description="Staff: turn the application down (the applicant may apply again). 409 once decided.",
    )
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest, application_id: int) -> Response:
        application = reviewer_application_reject(staff=request.user, application_id=application_id)
        return Response(payloads.reviewer_application_payload(application))


def _assignment_item(assignment: ReviewAssignmentWithDecision) -> payloads.ReviewAssignmentPayload:
    return payloads.review_assignment_payload(assignment, decision=assignment.decision)


class MyReviewAssignmentsView(APIView):
    permission_classes = AUTHENTICATED

    @extend_schema(
        operation_id="me_review_assignments_list",
        parameters=[o.PAGE],
        responses={200: o.ReviewAssignmentListOut},
        description="The resources the caller is assigned to review: those still waiting for their review "
        "first, then the newest assignments; with the caller's own decision once given.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _paginated(request, self, review_assignments_of(request.user), _assignment_item)
