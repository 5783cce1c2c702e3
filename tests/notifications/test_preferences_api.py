"""``/api/v1/me/subscriptions/`` and ``/api/v1/me/notification-preferences/``: read, replace, and
refuse unknown values with per-field errors while changing nothing."""

import pytest
from rest_framework.test import APIClient

from discussions.models import Membership, Space
from notifications.models import NotificationPreference, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/me/subscriptions/"
PREFERENCES = "/api/v1/me/notification-preferences/"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def amina(db):
    return UserFactory.create()


def test_both_need_authentication(api_client):
    for path in (SUBSCRIPTIONS, PREFERENCES):
        assert api_client.get(path).status_code == 401
        assert api_client.put(path, {}).status_code == 401


def test_a_user_without_a_subscription_reads_empty_lists(amina):
    response = as_user(amina).get(SUBSCRIPTIONS)
    assert response.status_code == 200
    assert response.json() == {"objectives": [], "regions": [], "kinds": []}


def test_put_replaces_the_subscription_normalized_and_deduplicated(amina, taxonomy):
    client = as_user(amina)
    body = {"objectives": ["9", "GENERAL", "9"], "regions": ["Africa", "asia"], "kinds": ["training", "training"]}
    response = client.put(SUBSCRIPTIONS, body)
    assert response.status_code == 200
    expected = {"objectives": ["9", "general"], "regions": ["africa", "asia"], "kinds": ["training"]}
    assert response.json() == expected
    assert client.get(SUBSCRIPTIONS).json() == expected
    response = client.put(SUBSCRIPTIONS, {"objectives": ["10"], "regions": [], "kinds": []})
    assert response.json() == {"objectives": ["10"], "regions": [], "kinds": []}  # empty kinds: every kind
    subscription = Subscription.objects.get(user=amina)
    assert (subscription.objectives, subscription.regions, subscription.kinds) == (["10"], [], [])


def test_unknown_objective_region_or_kind_is_a_400_naming_each_field_and_changes_nothing(amina, taxonomy):
    client = as_user(amina)
    client.put(SUBSCRIPTIONS, {"objectives": ["9"], "regions": ["africa"], "kinds": []})
    response = client.put(SUBSCRIPTIONS, {"objectives": ["9", "24"], "regions": ["atlantis"], "kinds": ["party"]})
    assert response.status_code == 400
    assert set(response.json()) == {"objectives", "regions", "kinds"}
    assert "24" in str(response.json()["objectives"])
    assert client.get(SUBSCRIPTIONS).json() == {"objectives": ["9"], "regions": ["africa"], "kinds": []}


def test_every_field_of_the_subscription_is_required(amina, taxonomy):
    response = as_user(amina).put(SUBSCRIPTIONS, {"objectives": ["9"]})
    assert response.status_code == 400
    assert set(response.json()) == {"regions", "kinds"}
    assert not Subscription.objects.exists()


def test_preferences_default_to_immediate_email_and_nothing_muted(amina):
    response = as_user(amina).get(PREFERENCES)
    assert response.status_code == 200
    assert response.json() == {"email": "immediate", "muted_spaces": [], "timezone": "UTC", "digest_hour": 7}


def test_put_sets_email_and_muted_spaces(amina):
    Space.objects.create(slug="smuggling-talk", name="Smuggling talk")
    client = as_user(amina)
    response = client.put(PREFERENCES, {"email": "daily_digest", "muted_spaces": ["smuggling-talk", "smuggling-talk"]})
    assert response.status_code == 200
    assert response.json() == {
        "email": "daily_digest",
        "muted_spaces": ["smuggling-talk"],
        "timezone": "UTC",
        "digest_hour": 7,
    }
    preference = NotificationPreference.objects.get(user=amina)
    assert (preference.email, preference.muted_spaces) == ("daily_digest", ["smuggling-talk"])
    assert client.put(PREFERENCES, {"email": "off", "muted_spaces": []}).json() == {
        "email": "off",
        "muted_spaces": [],
        "timezone": "UTC",
        "digest_hour": 7,
    }


def test_an_unknown_space_or_email_choice_is_a_400_and_changes_nothing(amina):
    client = as_user(amina)
    client.put(PREFERENCES, {"email": "off", "muted_spaces": []})
    response = client.put(PREFERENCES, {"email": "hourly", "muted_spaces": ["no-such-space"]})
    assert response.status_code == 400
    assert set(response.json()) == {"email", "muted_spaces"}
    assert "no-such-space" in str(response.json()["muted_spaces"])
    assert client.get(PREFERENCES).json() == {"email": "off", "muted_spaces": [], "timezone": "UTC", "digest_hour": 7}


def test_a_private_space_is_unknown_to_outsiders_and_mutable_by_its_members(amina):
    Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)
    outsider = UserFactory.create()
    refused = as_user(outsider).put(PREFERENCES, {"email": "immediate", "muted_spaces": ["working-group"]})
    assert refused.status_code == 400
    Membership.objects.create(space=Space.objects.get(slug="working-group"), user=amina)
    accepted = as_user(amina).put(PREFERENCES, {"email": "immediate", "muted_spaces": ["working-group"]})
    assert accepted.status_code == 200


def test_a_space_left_since_it_was_muted_can_be_kept_muted(amina):
    space = Space.objects.create(slug="working-group", name="Working group", visibility=Space.Visibility.PRIVATE)
    membership = Membership.objects.create(space=space, user=amina)
    client = as_user(amina)
    client.put(PREFERENCES, {"email": "immediate", "muted_spaces": ["working-group"]})
    membership.delete()
    again = client.put(PREFERENCES, client.get(PREFERENCES).json())  # what a client read, written back
    assert again.status_code == 200
