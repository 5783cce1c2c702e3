"""Error pages from the served Hub (``python -m config.serve``, DEBUG off), in both modes.

A logged-in user who opened a page that does not exist got a 500 here: the request log read
``request.user`` on the event loop (``SynchronousOnlyOperation``). The server runs with
``tests.hub.error_settings``, the Hub's own URLs plus pages that fail on purpose.
"""

import http.client
import json
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.e2e.processes import ROOT, clean_env, services_env, start_uvicorn, stop

pytestmark = pytest.mark.e2e

NAME = "Amina Diallo"
PASSWORD = "Savanna-Crossing-2018"

# name: (method, path, status, heading)
PAGES = {
    "400": ("GET", "/test-errors/400/", 400, b"<h1>Bad request</h1>"),
    "403": ("GET", "/test-errors/403/", 403, b"<h1>Not allowed</h1>"),
    "404": ("GET", "/no-such-page/", 404, b"<h1>Page not found</h1>"),
    "500": ("GET", "/test-errors/500/", 500, b"<h1>Something went wrong on our side</h1>"),
    "csrf": ("POST", "/accounts/logout/", 403, b"<h1>Form expired</h1>"),
}


class Visitor:
    """A browser's cookie handling, by hand: DEBUG off marks cookies Secure, and this is plain HTTP."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read()
        finally:
            connection.close()

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        assert status == 200
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None, page
        token = found.group(1).decode()
        form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}).encode()
        status, _ = self.request(
            "POST", "/accounts/login/", form, **{"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, "the login form did not log in"
        assert "sessionid" in self.cookies


def register(port: int, username: str) -> None:
    body = json.dumps({"username": username, "email": f"{username}@iom.example", "password": PASSWORD,
                       "display_name": NAME}).encode()  # fmt: skip
    status, answer = Visitor(port).request(
        "POST", "/api/v1/auth/register/", body, **{"Content-Type": "application/json"}
    )
    assert status == 201, answer


@pytest.fixture(params=["embedded", pytest.param("services", marks=pytest.mark.services)])
def served_hub(request, tmp_path):
    settings_overrides = {"DJANGO_SETTINGS_MODULE": "tests.hub.error_settings", "HUB_VAR_DIR": str(tmp_path)}
    if request.param == "services":
        request.getfixturevalue("transactional_db")  # the server shares the test's database
        env = services_env(**settings_overrides)
    else:  # its own SQLite file under tmp_path, the in-process layer and cache
        env = clean_env(
            **settings_overrides, DEBUG="0", SECRET_KEY=settings.SECRET_KEY, SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING",
        )  # fmt: skip
        manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")  # DEBUG off serves files by their manifest names
    log = tmp_path / "uvicorn.log"
    process, port = start_uvicorn(env, log)
    yield port, log
    stop(process)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, env=env, check=True, timeout=300)


def test_every_error_page_renders_for_anonymous_and_logged_in_users(served_hub):
    port, log = served_hub
    register(port, "amina")
    anonymous, amina = Visitor(port), Visitor(port)
    amina.log_in("amina")
    seen: dict[tuple[str, str], object] = {}
    for who, visitor in (("anonymous", anonymous), ("logged in", amina)):
        for page, (method, path, _status, heading) in PAGES.items():
            status, body = visitor.request(method, path)
            seen[who, page] = (
                status,
                heading in body,
                b'<html lang="en" dir="ltr">' in body,
                f'<span class="whoami" dir="auto">{NAME}</span>'.encode() in body,
            )
        seen[who, "healthz"] = visitor.request("GET", "/healthz")[0]
    expected: dict[tuple[str, str], object] = {("anonymous", "healthz"): 200, ("logged in", "healthz"): 200}
    for page, (_method, _path, status, _heading) in PAGES.items():
        expected["anonymous", page] = (status, True, True, False)
        # 500 renders without the request: it names nobody.
        expected["logged in", page] = (status, True, True, page != "500")
    assert seen == expected, log.read_text()[-2000:]
    assert "SynchronousOnlyOperation" not in log.read_text()
