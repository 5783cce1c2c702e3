"""The notification TypedDicts and the OpenAPI components clients are given name the same fields."""

import typing

import pytest

from hub.errors import ErrorFrame
from notifications import payloads
from notifications.frame_schemas import NOTIFICATION_SOCKET_FRAMES
from notifications.models import Notification
from realtime import frames
from tests.frame_contract import check_frame
from tests.rest_contract import ContractViolation, rest_contract

COMPONENT_OF = {
    payloads.NotificationPayload: "NotificationOut",
    payloads.ReadAllPayload: "ReadAllOut",
    payloads.SubscriptionPayload: "SubscriptionOut",
    payloads.PreferencesPayload: "PreferencesOut",
}

FRAME_TYPES_OF = {
    payloads.UnreadFrame: "unread",
    payloads.NotificationNewFrame: "notification.new",
    frames.PongFrame: "pong",
    ErrorFrame: "error",
}

CONTRACT_KINDS = {
    "event_announcement", "event_invitation", "event_reminder", "event_cancelled", "mention", "reply",
    "space_invitation", "contact_request", "review_assigned", "resource_decision", "expert_question",
    "event_updated",  # an extension: the time or place of an event changed
    "webhook_disabled",  # an extension: a webhook of the user's was disabled after a day of failures
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


@pytest.mark.parametrize(
    ("typed_dict", "frame_type"), FRAME_TYPES_OF.items(), ids=lambda item: getattr(item, "__name__", item)
)
def test_each_socket_frame_names_the_fields_of_its_schema(typed_dict, frame_type):
    schema = NOTIFICATION_SOCKET_FRAMES[frame_type]
    assert set(schema["properties"]) == set(typing.get_type_hints(typed_dict))
    assert set(schema["required"]) == set(typed_dict.__required_keys__)


def test_every_frame_the_notification_socket_sends_has_a_typed_builder():
    assert set(FRAME_TYPES_OF.values()) == set(NOTIFICATION_SOCKET_FRAMES)


def test_the_frame_check_refuses_a_renamed_missing_or_extra_field():
    good = {"type": "unread", "spaces": {"objective-9": 2}, "notifications": 1}
    check_frame(good, NOTIFICATION_SOCKET_FRAMES)
    for bad in (
        {"type": "unread", "spaces": {}, "unread": 1},
        {"type": "unread", "spaces": {"objective-9": -1}, "notifications": 1},
        {**good, "extra": True},
        {"type": "notification.new", "notification": {"id": 1}},
        {"type": "message.new", "message": {}},
    ):
        with pytest.raises(ContractViolation):
            check_frame(bad, NOTIFICATION_SOCKET_FRAMES)
