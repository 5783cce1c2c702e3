"""The digest's time zone and hour: in ``GET|PUT /api/v1/me/notification-preferences/`` (optional
in a PUT, an unknown zone or an hour out of range refused per field with nothing changed) and on
the settings page (labelled fields, the browser's zone offered while the stored one is the default)."""

import json
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFERENCES = "/api/v1/me/notification-preferences/"
SETTINGS = "/notifications/settings/"


@pytest.fixture
def amina(db):
    return UserFactory.create()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user, **cookies) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies.load(cookies)
    return client


def test_put_sets_the_zone_and_hour_and_a_put_without_them_keeps_them(amina):
    client = api(amina)
    body = {"email": "daily_digest", "muted_spaces": [], "timezone": "Asia/Kolkata", "digest_hour": 18}
    response = client.put(PREFERENCES, body, format="json")
    assert response.status_code == 200
    assert response.json() == body
    assert client.put(PREFERENCES, {"email": "off", "muted_spaces": []}, format="json").json() == {
        **body, "email": "off",
    }  # fmt: skip
    preference = NotificationPreference.objects.get(user=amina)
    assert (preference.timezone, preference.digest_hour, preference.email) == ("Asia/Kolkata", 18, "off")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "asia/tokyo"}, "timezone"),  # IANA names are case-sensitive
        ({"timezone": ""}, "timezone"),
        ({"timezone": "x" * 65}, "timezone"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"digest_hour": -1}, "digest_hour"),
        ({"digest_hour": "seven"}, "digest_hour"),
        ({"digest_hour": None}, "digest_hour"),
    ],
)
def test_an_unknown_zone_or_an_hour_out_of_range_is_a_400_naming_it_and_changes_nothing(amina, changes, field):
    client = api(amina)
    before = {"email": "daily_digest", "muted_spaces": [], "timezone": "Asia/Tokyo", "digest_hour": 9}
    client.put(PREFERENCES, before, format="json")
    response = client.put(PREFERENCES, {**before, "email": "off", **changes}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert client.get(PREFERENCES).json() == before


def test_the_settings_page_has_labelled_zone_and_hour_fields_and_saves_them(amina):
    client = page(amina)
    html = client.get(SETTINGS).content.decode()
    assert re.search(
        r'<label for="id_timezone">Time zone</label>\s*<select name="timezone"[^>]* id="id_timezone"', html
    )
    assert html.count('aria-describedby="digest-help"') == 2 and 'id="digest-help"' in html
    assert re.search(r'<label for="id_digest_hour">Send the daily digest at</label>\s*<select name="digest_hour"', html)
    assert '<option value="7" selected>07:00</option>' in html
    assert "notifications/digest_zone.js" in html
    response = client.post(
        "/notifications/settings/preferences/",
        {"email": "daily_digest", "timezone": "America/New_York", "digest_hour": "6"},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=amina)
    assert (preference.email, preference.timezone, preference.digest_hour) == ("daily_digest", "America/New_York", 6)
    html = client.get(SETTINGS).content.decode()
    assert '<option value="America/New_York" selected>America/New York</option>' in html
    assert "data-suggest-zone" not in html  # a zone chosen is never replaced by the browser's


def test_bad_zone_or_hour_on_the_page_is_a_400_with_the_form_and_nothing_changes(amina):
    client = page(amina)
    for bad in ({"timezone": "Mars/Olympus_Mons"}, {"digest_hour": "25"}):
        response = client.post("/notifications/settings/preferences/", {"email": "daily_digest", **bad})
        assert response.status_code == 400
        assert 'class="errorlist"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_browsers_zone_is_offered_while_the_stored_one_is_the_default(amina):
    html = page(amina, hub_tz="Asia/Tokyo").get(SETTINGS).content.decode()
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo</option>' in html
    assert re.search(r'<p class="help" id="zone-suggested">', html)  # shown, not hidden
    html = page(amina).get(SETTINGS).content.decode()  # no cookie yet: the script may offer it
    assert '<option value="UTC" selected>UTC</option>' in html
    assert "data-suggest-zone" in html
    assert re.search(r'id="zone-suggested" hidden', html)


def test_the_zone_and_hour_are_in_the_users_data_export_with_their_descriptions(amina):
    api(amina).put(
        PREFERENCES, {"email": "daily_digest", "muted_spaces": [], "timezone": "Asia/Tokyo", "digest_hour": 9},
        format="json",
    )  # fmt: skip
    response = api(amina).get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response.streaming
    document = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    preferences = document["preferences"]
    assert (preferences["timezone"], preferences["digest_hour"]) == ("Asia/Tokyo", 9)
    described = json.dumps(document["readme"])
    assert '"timezone": "time zone"' in described and '"digest_hour": "digest hour"' in described
