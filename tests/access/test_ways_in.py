"""Every way in is throttled alike, and every form needs its CSRF token.

The ways a password is checked: the login page, the token endpoint, the admin's login, and the
password confirmations of account deletion. They share one count per username
(``accounts.login_throttle``), so guessing cannot move from a throttled door to an open one.
Every page that takes a POST refuses one without the CSRF token, and the API refuses a
cookie-authenticated write without it (a token-authenticated one needs none: no ambient
credential for another site to borrow).
"""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def fail_five_times(api_client, username: str) -> None:
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": username, "password": "wrong"})


def test_the_admin_login_shares_the_throttle(client, api_client, time_machine):
    time_machine.move_to(MOMENT, tick=False)
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    fail_five_times(api_client, staff.username)
    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 200  # the admin redisplays its form
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_login_lock_the_token_endpoint_too(client, api_client, time_machine):
    time_machine.move_to(MOMENT, tick=False)
    staff = UserFactory.create(is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": staff.username, "password": "wrong"})
    response = api_client.post("/api/v1/auth/token/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429


def test_the_admin_login_still_refuses_people_who_are_not_staff(client):
    user = UserFactory.create()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_admin_login_still_lets_staff_in(client):
    staff = UserFactory.create(is_staff=True)
    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def _page_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _page_patterns(entry, route)
        else:
            found.append((route, entry))
    return found


# Pages that take a POST without a CSRF token on purpose. All are RFC 8058 one-click links from
# emails: the mail client POSTs with no cookie and no page, and the signed token in the URL is the
# authority (it can only turn emails off). Any other exemption fails the test below.
CSRF_EXEMPT = {
    "notifications/unsubscribe/<str:token>/",
    "experts/contact-opt-out/<str:token>/",
    "events/invitation/<str:token>/stop/",
}


def page_routes() -> list[str]:
    """Every route of the site's pages (the API and the admin apart: tested on their own)."""
    return [
        route
        for route, _pattern in _page_patterns(get_resolver())
        if not route.startswith(("api/", "admin/", "i18n/js/")) and route not in {"healthz", ""}
    ]


def concrete(route: str) -> str:
    """A URL for ``route`` with placeholder arguments: enough to reach the CSRF check, which runs
    before the view looks anything up."""
    for converter, value in (("<int:", "1"), ("<slug:", "general"), ("<str:", "x"), ("<path:", "x")):
        while converter in route:
            start = route.index(converter)
            end = route.index(">", start)
            route = route[:start] + value + route[end + 1 :]
    return "/" + route


@pytest.mark.parametrize("route", page_routes())
def test_every_page_refuses_a_post_without_the_csrf_token(route):
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(concrete(route), {"anything": "x"})
    exempt = route in CSRF_EXEMPT
    assert (response.status_code == 403) != exempt, f"/{route}: {response.status_code}"


def test_the_api_refuses_a_cookie_authenticated_write_without_the_csrf_token():
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.patch("/api/v1/me/", {"display_name": "Forged"}, content_type="application/json")
    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).display_name != "Forged"


def test_the_api_takes_a_token_authenticated_write_without_a_csrf_token(token_client, user):
    response = token_client.patch("/api/v1/me/", {"display_name": "Meant"}, format="json")
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).display_name == "Meant"
