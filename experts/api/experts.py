"""The expert directory's REST API: thin views over ``experts.services`` and ``experts.selectors``."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.callers import AuthenticatedRequest
from experts.payloads.experts import contact_accepted_payload, contact_payload, expert_detail_payload, expert_payload
from experts.questions.selectors import questions_answered_count
from experts.schema import experts as o
from experts.search import search_experts
from experts.search.queries import ExpertQuery
from experts.selectors.experts import contacts_of_expert, expert_by_id
from experts.serializers import experts as s
from experts.services.contact import expert_contact
from experts.services.profiles import expert_create, expert_update
from hub.api import validated
from hub.openapi import api_errors
from hub.pagination import page_body, page_request


def _expert_query(request: Request) -> ExpertQuery:
    params = request.query_params
    data: dict[str, Any] = {name: params.getlist(name) for name in s.ExpertQuerySerializer.LISTS if name in params}
    if "q" in params:
        data["q"] = params["q"]
    query = validated(s.ExpertQuerySerializer, data)
    return ExpertQuery(
        q=query.get("q", ""),
        objectives=tuple(query.get("objective", ())),
        principles=tuple(query.get("principle", ())),
        regions=tuple(query.get("region", ())),
        countries=tuple(query.get("country", ())),
        languages=tuple(query.get("language", ())),
        available_for=tuple(query.get("available_for", ())),
    )


class ExpertListView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="experts_list",
        parameters=[s.ExpertQuerySerializer, o.PAGE, o.PAGE_SIZE],
        responses={200: o.ExpertListOut},
        description="The public directory: relevance order when `q` is given, else by name. Each list "
        'filter is repeated for "any of" (`objective=9&objective=10`); `facets` counts the filtered set.',
    )
    def get(self, request: Request) -> Response:
        query = _expert_query(request)
        page = page_request(request)
        found = search_experts(query, offset=page.offset, limit=page.size)
        results = [expert_payload(expert) for expert in found.results]
        return Response(page_body(request, page, count=found.count, results=results, facets=found.facets))

    @extend_schema(operation_id="expert_create", request=s.ExpertCreateSerializer, responses={201: o.ExpertOut})
    @api_errors(403, 409)
    def post(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.ExpertCreateSerializer, request.data)
        if "username" in data and data["username"] is None:
            del data["username"]
            data["without_account"] = True
        expert = expert_create(creator=request.user, **data)
        return Response(expert_payload(expert), status=status.HTTP_201_CREATED)


class ExpertDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(operation_id="expert_retrieve", responses={200: o.ExpertDetailOut})
    def get(self, request: Request, expert_id: int) -> Response:
        expert = expert_by_id(expert_id)
        return Response(expert_detail_payload(expert, questions_answered=questions_answered_count(expert.pk)))

    @extend_schema(
        operation_id="expert_update",
        request=s.ExpertChangeSerializer,
        responses={200: o.ExpertOut},
        description="The owner or staff (others: 403). Only staff change `verified` (403 for anyone else; "
        "sending its current value is no change).",
    )
    @api_errors(403)
    def patch(self, request: AuthenticatedRequest, expert_id: int) -> Response:
        changes = validated(s.ExpertChangeSerializer, request.data, partial=True)
        return Response(expert_payload(expert_update(expert_id=expert_id, user=request.user, changes=changes)))


class ExpertContactView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="expert_contact",
        request=s.ExpertContactSerializer,
        responses={
            202: OpenApiResponse(o.ContactAcceptedOut, description="Recorded; the email relay follows."),
        },
        description="Relayed by email to the expert (who never reveals their address unless they reply; "
        "Reply-To is the caller's) and shown in the expert's notifications. 403 when the expert does not "
        "accept contact; 400 when contacting oneself or a line break is in the subject; at most "
        "`EXPERT_CONTACT_RATE` (5) contacts per caller per `EXPERT_CONTACT_WINDOW` (an hour): 429.",
    )
    @api_errors(403, 429)
    def post(self, request: AuthenticatedRequest, expert_id: int) -> Response:
        data = validated(s.ExpertContactSerializer, request.data)
        contact = expert_contact(expert_id=expert_id, sender=request.user, **data)
        return Response(contact_accepted_payload(contact), status=status.HTTP_202_ACCEPTED)


class ExpertContactsView(APIView):
    """Who wrote to an expert, newest first: for the profile's owner and staff (others: 404)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="expert_contacts_list", parameters=[o.PAGE], responses={200: o.ContactListOut})
    def get(self, request: Request, expert_id: int) -> Response:
        contacts = contacts_of_expert(expert_id=expert_id, user=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(contacts, request, view=self) or []
        return paginator.get_paginated_response([contact_payload(contact) for contact in page])
