"""The body and its signature: GitHub's X-Hub-Signature-256 scheme, over the exact bytes sent."""

import json
from datetime import UTC, datetime

from webhooks.signing import delivery_body, delivery_headers, signature, signature_valid


def test_signature_matches_githubs_published_example():
    # The example in GitHub's "Validating webhook deliveries" (also what `openssl dgst -hmac` gives).
    assert (
        signature(secret="It's a Secret to Everybody", body=b"Hello, World!")
        == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_a_changed_body_or_secret_fails_verification():
    body = b'{"event":"message.new","id":1}'
    header = signature(secret="s3cret-s3cret-s3cret", body=body)
    assert signature_valid(secret="s3cret-s3cret-s3cret", body=body, header=header)
    assert not signature_valid(secret="s3cret-s3cret-s3cret", body=body + b" ", header=header)
    assert not signature_valid(secret="another-secret-value", body=body, header=header)
    assert not signature_valid(secret="s3cret-s3cret-s3cret", body=body, header=None)
    assert not signature_valid(secret="s3cret-s3cret-s3cret", body=body, header=header.removeprefix("sha256="))


def test_body_carries_event_delivery_id_time_and_data():
    moment = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    body = delivery_body(event="event.published", delivery_id=42, created_at=moment, data={"id": 7, "title": "Ünïcode"})
    assert json.loads(body) == {
        "event": "event.published",
        "id": 42,
        "created_at": "2026-11-30T09:15:00Z",
        "data": {"id": 7, "title": "Ünïcode"},
    }


def test_headers_name_event_delivery_signature_and_agent():
    body = b'{"x":1}'
    headers = delivery_headers(event="message.new", delivery_id=9, secret="s3cret-s3cret-s3cret", body=body)
    assert headers["X-Hub-Event"] == "message.new"
    assert headers["X-Hub-Delivery"] == "9"
    assert headers["X-Hub-Signature-256"] == signature(secret="s3cret-s3cret-s3cret", body=body)
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("MigrationNetworkHub-Hookshot/")
