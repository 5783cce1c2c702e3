"""Every list endpoint in the OpenAPI document has a test that its query count does not grow.

A new list endpoint without one fails here: add its test (tests/discussions/test_api_query_counts.py
shows the pattern) and name it below.
"""

from importlib import import_module

from drf_spectacular.generators import SchemaGenerator

QUERY_COUNT_TESTS = {
    "/api/v1/objectives/": "tests.gcm.test_api:test_objectives_list_is_24_items_in_order_and_not_paginated",
    "/api/v1/countries/": "tests.gcm.test_api:test_countries_name_their_region",
    "/api/v1/principles/": "tests.gcm.test_api:test_each_taxonomy_list_is_one_query",
    "/api/v1/regions/": "tests.gcm.test_api:test_each_taxonomy_list_is_one_query",
    "/api/v1/document-types/": "tests.gcm.test_api:test_each_taxonomy_list_is_one_query",
    "/api/v1/languages/": "tests.gcm.test_api:test_each_taxonomy_list_is_one_query",
    "/api/v1/spaces/": "tests.discussions.test_api_query_counts:test_spaces_list",
    "/api/v1/spaces/{slug}/topics/": "tests.discussions.test_api_query_counts:test_topics_list",
    "/api/v1/spaces/{slug}/members/": "tests.discussions.test_api_query_counts:test_members_list",
    "/api/v1/spaces/{slug}/online/": "tests.discussions.test_storm_presence:test_online_list_is_constant_in_queries",
    "/api/v1/spaces/{slug}/reports/": "tests.discussions.test_api_query_counts:test_reports_list",
    "/api/v1/spaces/{slug}/moderation-log/": "tests.discussions.test_api_query_counts:test_moderation_log_list",
    "/api/v1/spaces/{slug}/messages/": "tests.discussions.test_api_query_counts:test_messages_list",
    "/api/v1/messages/{message_id}/revisions/": "tests.discussions.test_api_query_counts:test_message_revisions_list",
    "/api/v1/experts/": "tests.experts.test_expert_list:test_experts_list_query_count",
    "/api/v1/experts/{expert_id}/contacts/": "tests.experts.test_contact:test_expert_contacts_list_query_count",
    "/api/v1/expert-groups/": "tests.experts.test_questions:test_the_groups_list_is_one_query",
    "/api/v1/resources/": "tests.experts.test_resources_query_counts:test_resources_list",
    "/api/v1/resources/{resource_id}/reviews/": "tests.experts.test_review_query_counts:test_resource_reviews_list",
    "/api/v1/reviewer-applications/": "tests.experts.test_review_query_counts:test_reviewer_applications_list",
    "/api/v1/me/review-assignments/": "tests.experts.test_review_query_counts:test_my_review_assignments_list",
    "/api/v1/notifications/": "tests.notifications.test_api:test_notifications_list",
    "/api/v1/events/": "tests.events.test_query_counts:test_the_events_list_is_constant_in_queries",
    "/api/v1/event-organizers/": "tests.events.test_query_counts:test_the_organizer_grants_list_is_constant_in_queries",
    "/api/v1/events/{event_id}/invitations/": (
        "tests.events.test_invitations:test_the_invitations_list_is_constant_in_queries"
    ),
    "/api/v1/webhooks/": "tests.webhooks.test_api:test_webhooks_list_is_constant_in_queries",
    "/api/v1/webhooks/{webhook_id}/deliveries/": "tests.webhooks.test_api:test_deliveries_list_is_constant_in_queries",
}


def list_endpoints() -> set[str]:
    """Paths whose GET answers a JSON array or an object with ``results``."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolved(node: dict) -> dict:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    found = set()
    for path, operations in schema["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        body = resolved(answer.get("content", {}).get("application/json", {}).get("schema", {}))
        if body.get("type") == "array" or "results" in body.get("properties", {}):
            found.add(path)
    return found


def test_every_list_endpoint_has_a_query_count_test():
    assert list_endpoints() == set(QUERY_COUNT_TESTS)
    for target in QUERY_COUNT_TESTS.values():
        module, name = target.split(":")
        assert callable(getattr(import_module(module), name, None)), f"{target} does not exist"
