"""The REST contract check (``tests/rest_contract.py``) fails on what it must, and every operation passes it."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_for
from discussions.models import Membership, Space
from tests.factories import PASSWORD, UserFactory
from tests.rest_contract import ContractViolation, rest_contract

pytestmark = pytest.mark.django_db

MESSAGE = {
    "id": 7, "seq": 3, "space": "labour-mobility", "topic": None,
    "author": {"id": 1, "username": "amina", "display_name": "Amina"},
    "body": "Hello", "html": "<p>Hello</p>", "reply_to": None, "client_id": "c-1", "mentions": [],
    "reactions": {"🎉": 2}, "pinned": False, "created_at": "2026-01-05T10:00:00Z", "edited_at": None,
    "deleted": False,
}  # fmt: skip


def check(method: str, path: str, status: int, body=None) -> None:
    rest_contract().check(
        method=method,
        path=path,
        request_content_type="application/json",
        status=status,
        content_type="application/json",
        body=b"" if body is None else json.dumps(body).encode(),
    )


def test_a_message_as_documented_passes():
    check("PATCH", "/api/v1/messages/7/", 200, MESSAGE)
    check("PATCH", "/api/v1/messages/7/", 200, {**MESSAGE, "topic": "Visas", "edited_at": "2026-01-05T10:01:00Z"})


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda m: {**{k: v for k, v in m.items() if k != "reply_to"}, "reply_to_seq": None}, "reply_to"),
        (lambda m: {k: v for k, v in m.items() if k != "pinned"}, "'pinned' is a required property"),
        (lambda m: {**m, "score": 1}, "'score' was unexpected"),
        (lambda m: {**m, "seq": None}, "None is not of type 'integer'"),
        (lambda m: {**m, "author": {"id": 1, "username": "amina"}}, "display_name"),
        (lambda m: {**m, "reactions": {"🎉": "two"}}, "'two' is not of type 'integer'"),
    ],
    ids=["renamed", "missing", "extra", "null-not-allowed", "nested-missing", "wrong-type"],
)
def test_a_message_off_its_schema_fails(change, complaint):
    with pytest.raises(ContractViolation, match=complaint):
        check("PATCH", "/api/v1/messages/7/", 200, change(MESSAGE))


def test_a_status_the_operation_does_not_document_fails():
    with pytest.raises(ContractViolation, match="status 409 is not documented"):
        check("DELETE", "/api/v1/messages/7/", 409, {"detail": "x", "code": "conflict"})


def test_errors_must_have_the_contract_shape():
    check("DELETE", "/api/v1/messages/7/", 404, {"detail": "No such message.", "code": "not_found"})
    check("PATCH", "/api/v1/messages/7/", 400, {"body": ["This field is required."]})
    check("PATCH", "/api/v1/messages/7/", 400, {"detail": "A message needs a non-empty body.", "code": "invalid_frame"})
    with pytest.raises(ContractViolation, match="code"):
        check("DELETE", "/api/v1/messages/7/", 404, {"detail": "No such message."})


def test_no_body_where_none_is_documented():
    check("POST", "/api/v1/spaces/labour-mobility/leave/", 204)
    with pytest.raises(ContractViolation, match="without a body"):
        check("POST", "/api/v1/spaces/labour-mobility/leave/", 204, {"ok": True})


def test_what_is_not_an_operation_may_only_be_refused_as_such():
    check("GET", "/api/v1/no-such-thing/", 404, {"detail": "Not found.", "code": "not_found"})
    check("PUT", "/api/v1/objectives/", 405, {"detail": "Method not allowed.", "code": "method_not_allowed"})
    with pytest.raises(ContractViolation, match="no operation"):
        check("GET", "/api/v1/no-such-thing/", 200, {})


def test_a_literal_path_segment_wins_over_a_parameter():
    join = rest_contract().operation_for("POST", "/api/v1/spaces/general/join/")
    space = rest_contract().operation_for("GET", "/api/v1/spaces/general/")
    assert join is not None
    assert join.template == "/api/v1/spaces/{slug}/join/"
    assert space is not None
    assert space.template == "/api/v1/spaces/{slug}/"


def test_the_suite_clients_check_their_responses(api_client, monkeypatch):
    from tests import rest_contract as contract

    seen = []
    monkeypatch.setattr(contract.RestContract, "check", lambda self, **response: seen.append(response["status"]))
    api_client.get("/api/v1/objectives/")
    APIClient().get("/api/v1/me/")
    assert seen == [200, 401]


def new_user() -> User:
    user: User = UserFactory.create()
    return user


def test_every_operation_answers_as_documented(taxonomy, staff_user):
    """One successful call of each operation, each checked against the document by the client."""
    member, moderator, other = new_user(), new_user(), new_user()
    space = Space.objects.create(slug="labour-mobility", name="Labour mobility")
    Membership.objects.create(space=space, user=moderator, role=Membership.Role.MODERATOR)

    def client(user=None) -> APIClient:
        api = APIClient()
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return api

    anonymous, staff, mod, alice = client(), client(staff_user), client(moderator), client(member)
    spaces, here = "/api/v1/spaces/", "/api/v1/spaces/labour-mobility"
    calls = [
        (anonymous, "post", "/api/v1/auth/register/",
         {"username": "kwame", "email": "kwame@iom.example", "password": "Ocean-Breeze-Migration-2018"}, 201),
        (anonymous, "post", "/api/v1/auth/token/", {"username": member.username, "password": PASSWORD}, 200),
        (alice, "get", "/api/v1/me/", None, 200),
        (alice, "patch", "/api/v1/me/", {"language": "es"}, 200),
        *[(anonymous, "get", f"/api/v1/{name}/", None, 200)
          for name in ("objectives", "principles", "regions", "countries", "document-types", "languages")],
        (anonymous, "get", "/api/v1/objectives/9/", None, 200),
        (staff, "post", spaces, {"slug": "returns", "name": "Returns", "objective": "21"}, 201),
        (anonymous, "get", f"{spaces}?objective=21", None, 200),
        (anonymous, "get", f"{here}/", None, 200),
        (mod, "patch", f"{here}/", {"name": "Labour mobility", "slow_mode_seconds": 0}, 200),
        (alice, "post", f"{here}/join/", None, 200),
        (client(other), "post", f"{here}/join/", None, 200),
        (client(other), "post", f"{here}/leave/", None, 204),
        (mod, "post", f"{here}/invitations/", {"username": other.username}, 201),
        (mod, "post", f"{here}/questions/", {"title": "Visas", "body": "What works?"}, 201),
        (anonymous, "get", f"{here}/topics/", None, 200),
        (anonymous, "get", f"{here}/members/", None, 200),
        (alice, "post", f"{here}/messages/", {"body": "Hello @" + moderator.username, "client_id": "c-1"}, 201),
        (alice, "post", f"{here}/messages/", {"body": "Hello again", "client_id": "c-1"}, 200),
        (anonymous, "get", f"{here}/messages/?after=0&limit=10", None, 200),
        (alice, "post", f"{here}/read/", {"seq": 2}, 200),
        (staff, "post", f"{here}/moderators/", {"username": other.username}, 201),
        (staff, "delete", f"{here}/moderators/{other.username}/", None, 204),
        (mod, "post", f"{here}/bans/", {"username": other.username, "reason": "spam", "minutes": 5}, 201),
        (mod, "delete", f"{here}/bans/{other.username}/", None, 204),
        (mod, "post", f"{here}/mutes/", {"username": other.username, "minutes": 5}, 201),
        (mod, "delete", f"{here}/mutes/{other.username}/", None, 204),
    ]  # fmt: skip
    for api, method, path, body, status in calls:
        response = getattr(api, method)(path, body, format="json")
        assert response.status_code == status, (method, path, response.content[:300])

    message_id = alice.get(f"{here}/messages/?after=1").json()["results"][0]["id"]
    message = f"/api/v1/messages/{message_id}"
    calls = [
        (alice, "patch", f"{message}/", {"body": "Hello, edited"}, 200),
        (mod, "post", f"{message}/reactions/", {"emoji": "🎉"}, 200),
        (mod, "delete", f"{message}/reactions/🎉/", None, 200),
        (mod, "post", f"{message}/pin/", None, 200),
        (mod, "delete", f"{message}/pin/", None, 200),
        (mod, "post", f"{message}/reports/", {"reason": "off topic"}, 201),
        (mod, "get", f"{here}/reports/", None, 200),
        (mod, "get", f"{message}/revisions/", None, 200),
        (mod, "get", f"{here}/moderation-log/", None, 200),
        (alice, "delete", f"{message}/", None, 200),
    ]
    for api, method, path, body, status in calls:
        response = getattr(api, method)(path, body, format="json")
        assert response.status_code == status, (method, path, response.content[:300])
