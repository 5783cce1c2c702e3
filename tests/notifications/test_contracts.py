"""The notification TypedDicts and the OpenAPI components clients are given name the same fields."""

import typing

import pytest

from notifications import payloads
from notifications.models import Notification
from tests.rest_contract import rest_contract

COMPONENT_OF = {
    payloads.NotificationPayload: "NotificationOut",
    payloads.ReadAllPayload: "ReadAllOut",
}

CONTRACT_KINDS = {
    "event_announcement", "event_invitation", "event_reminder", "event_cancelled", "mention", "reply",
    "space_invitation", "contact_request", "review_assigned", "resource_decision", "expert_question",
    "event_updated",  # an extension: the time or place of an event changed
}  # fmt: skip


@pytest.mark.parametrize(
    ("typed_dict", "component"), COMPONENT_OF.items(), ids=lambda item: getattr(item, "__name__", item)
)
def test_each_payload_names_the_fields_of_its_openapi_component(typed_dict, component):
    schema = rest_contract().document["components"]["schemas"][component]
    assert set(schema["properties"]) == set(typing.get_type_hints(typed_dict))
    assert set(schema.get("required", [])) == set(typed_dict.__required_keys__)


def test_kinds_are_exactly_the_contracts():
    assert set(Notification.Kind.values) == CONTRACT_KINDS


def test_the_documented_kind_enum_is_the_models():
    schema = rest_contract().document["components"]["schemas"]["NotificationOut"]["properties"]["kind"]
    enum = (
        schema.get("enum")
        or rest_contract().document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]["enum"]
    )
    assert set(enum) == CONTRACT_KINDS
