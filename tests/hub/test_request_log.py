import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_structured_fields(client, user, caplog):
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="hub.request"):
        client.get("/api/v1/me/")
    record = next(record for record in caplog.records if record.name == "hub.request")
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s").format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/me/"
    assert line["status"] == 200
    assert line["user_id"] == user.id
    assert isinstance(line["duration_ms"], float)  # a field, not a stopwatch: the tests assert no durations


def test_staff_edit_commitments_in_the_admin(client, staff_user, taxonomy):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    response = client.get("/admin/gcm/objective/")
    assert response.status_code == 200
    assert b"Counter smuggling" in response.content
    from gcm.models import Objective

    page = client.get(f"/admin/gcm/objective/{Objective.objects.get(key='3').pk}/change/")
    assert page.status_code == 200
    assert b'name="commitment"' in page.content


def test_non_staff_cannot_reach_the_admin(client, user):
    client.force_login(user)
    assert client.get("/admin/gcm/objective/").status_code == 302
