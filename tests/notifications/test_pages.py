"""The bell, the inbox and the settings pages, all working without JavaScript."""

import re

import pytest
from django.test import Client

from discussions.models import Membership, Space
from notifications.models import Notification, NotificationPreference, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(recipient, n: int, **fields) -> Notification:
    fields.setdefault("kind", Notification.Kind.MENTION)
    return Notification.objects.create(recipient=recipient, title=f"Note {n}", source_key=f"test:{n}", **fields)


def test_the_bell_shows_the_unread_count_rendered_on_the_server_and_links_to_the_inbox():
    amina = UserFactory.create()
    make(amina, 1)
    make(amina, 2)
    make(amina, 3, read_at="2026-03-02T12:00:00Z")
    html = logged_in(amina).get("/").content.decode()
    assert 'class="notification-bell" href="/notifications/"' in html
    assert '<span class="bell-count badge" data-count>2</span>' in html
    assert "notifications/bell.js" in html


def test_visitors_get_no_bell(client):
    assert "notification-bell" not in client.get("/").content.decode()


def test_the_inbox_needs_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_inbox_lists_only_the_users_own_newest_first_and_filters_unread():
    amina, bo = UserFactory.create(), UserFactory.create()
    make(amina, 1, read_at="2026-03-02T12:00:00Z")
    make(amina, 2)
    make(bo, 3)
    client = logged_in(amina)
    html = client.get("/notifications/").content.decode()
    assert html.index("Note 2") < html.index("Note 1")
    assert "Note 3" not in html
    unread = client.get("/notifications/?unread=true").content.decode()
    assert "Note 2" in unread
    assert "Note 1" not in unread


def test_mark_read_and_open_and_mark_all_read_by_plain_forms():
    amina = UserFactory.create()
    first = make(amina, 1, url="/spaces/smuggling-talk/#m3")
    second = make(amina, 2)
    make(amina, 3)
    client = logged_in(amina)
    response = client.post(f"/notifications/{second.pk}/read/", {"next": "/notifications/?unread=true"})
    assert (response.status_code, response["Location"]) == (302, "/notifications/?unread=true")
    second.refresh_from_db()
    assert second.read_at is not None
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response["Location"] == "/spaces/smuggling-talk/#m3"
    response = client.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"  # never off the site
    assert not Notification.objects.filter(recipient=amina, read_at__isnull=True).exists()


def test_someone_elses_notification_cannot_be_marked_read():
    amina, bo = UserFactory.create(), UserFactory.create()
    theirs = make(bo, 1)
    logged_in(amina).post(f"/notifications/{theirs.pk}/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_settings_page_saves_preferences_and_subscriptions(taxonomy):
    amina = UserFactory.create()
    space = Space.objects.create(slug="smuggling-talk", name="Smuggling talk")
    Membership.objects.create(space=space, user=amina)
    client = logged_in(amina)
    page = client.get("/notifications/settings/").content.decode()
    assert 'value="smuggling-talk"' in page
    assert 'value="9"' in page
    assert 'value="training"' in page
    response = client.post(
        "/notifications/settings/preferences/", {"email": "daily_digest", "muted_spaces": ["smuggling-talk"]}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=amina)
    assert (preference.email, preference.muted_spaces) == ("daily_digest", ["smuggling-talk"])
    response = client.post(
        "/notifications/settings/subscriptions/", {"objectives": ["9", "10"], "regions": ["africa"], "kinds": []}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=amina)
    assert (subscription.objectives, subscription.regions, subscription.kinds) == (["9", "10"], ["africa"], [])
    page = client.get("/notifications/settings/").content.decode()
    checked = set(re.findall(r'<input type="(?:radio|checkbox)" name="\w+" value="([\w-]+)"[^>]*checked', page))
    assert checked == {"daily_digest", "smuggling-talk", "9", "10", "africa"}


def test_bad_settings_are_refused_with_the_form_and_nothing_changes(taxonomy):
    amina = UserFactory.create()
    client = logged_in(amina)
    response = client.post("/notifications/settings/preferences/", {"email": "hourly"})
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    response = client.post("/notifications/settings/subscriptions/", {"objectives": ["99"], "regions": ["atlantis"]})
    assert response.status_code == 400
    assert not Subscription.objects.exists()
