"""The typed shapes the code builds and the schemas clients are given name the same fields.

``payloads.py`` builds every body and frame (TypedDicts); the OpenAPI document and the frame
schemas are what clients are told. Tests check every response and frame against the schemas
(``tests/rest_contract.py``, ``tests/frame_contract.py``); this checks that the two descriptions
agree, so that neither can drift without the suite noticing.
"""

import typing

import pytest

from discussions import payloads
from discussions.frame_schemas import SPACE_SOCKET_FRAMES
from hub.errors import ErrorFrame
from realtime import frames
from tests.frame_contract import check_frame
from tests.rest_contract import ContractViolation, rest_contract

COMPONENT_OF = {
    payloads.AuthorPayload: "AuthorOut",
    payloads.MessagePayload: "MessageOut",
    payloads.SpacePayload: "SpaceOut",
    payloads.TopicPayload: "TopicOut",
    payloads.MemberPayload: "MemberOut",
    payloads.ReportPayload: "ReportOut",
    payloads.ModerationActionPayload: "ModerationActionOut",
    payloads.RevisionPayload: "RevisionOut",
    payloads.RestrictionPayload: "RestrictionOut",
}

FRAME_TYPES_OF = {
    payloads.HelloFrame: ["hello"],
    payloads.MessageFrame: ["message.new", "message.updated"],
    payloads.ReactionFrame: ["reaction"],
    payloads.TypingFrame: ["typing"],
    payloads.MemberFrame: ["member.joined", "member.left"],
    payloads.SpaceUpdatedFrame: ["space.updated"],
    payloads.ReportNewFrame: ["report.new"],
    frames.PresenceFrame: ["presence"],
    frames.PongFrame: ["pong"],
    frames.HistoryTruncatedFrame: ["history.truncated"],
    ErrorFrame: ["error"],
}


def keys(typed_dict: typing.Any) -> tuple[set[str], set[str]]:  # a TypedDict class
    """All keys, and the required ones."""
    return set(typing.get_type_hints(typed_dict)), set(typed_dict.__required_keys__)


@pytest.mark.parametrize(
    ("typed_dict", "component"), COMPONENT_OF.items(), ids=lambda item: getattr(item, "__name__", item)
)
def test_each_payload_names_the_fields_of_its_openapi_component(typed_dict, component):
    schema = rest_contract().document["components"]["schemas"][component]
    all_keys, required = keys(typed_dict)
    assert set(schema["properties"]) == all_keys
    assert set(schema.get("required", [])) == required


@pytest.mark.parametrize(
    ("typed_dict", "frame_types"), FRAME_TYPES_OF.items(), ids=lambda item: getattr(item, "__name__", str(item))
)
def test_each_frame_type_names_the_fields_of_its_schema(typed_dict, frame_types):
    all_keys, required = keys(typed_dict)
    for frame_type in frame_types:
        schema = SPACE_SOCKET_FRAMES[frame_type]
        assert set(schema["properties"]) == all_keys, frame_type
        assert set(schema["required"]) == required, frame_type


def test_every_frame_the_space_socket_sends_has_a_typed_builder():
    typed = {frame_type for frame_types in FRAME_TYPES_OF.values() for frame_type in frame_types}
    assert typed == set(SPACE_SOCKET_FRAMES)


def test_the_frame_check_refuses_renamed_missing_extra_and_unknown():
    check_frame({"type": "presence", "username": "amina", "online": True})
    for bad in (
        {"type": "presence", "user": "amina", "online": True},
        {"type": "presence", "username": "amina"},
        {"type": "presence", "username": "amina", "online": True, "extra": 1},
        {"type": "presence", "username": "amina", "online": "yes"},
        {"type": "no.such.frame"},
        {"type": "error", "code": "no_such_code", "detail": "?"},
        {"type": "message.new", "message": {"seq": 1}},
    ):
        with pytest.raises(ContractViolation):
            check_frame(bad)
