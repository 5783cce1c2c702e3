"""Error pages (400, 403, 404, 500, CSRF failure) for anonymous and logged-in users, in process.

Each runs through Django's synchronous test client and through ``AsyncClient``, which takes
the ASGI path (async middleware chain, error pages rendered off the request's thread) that the
served Hub takes; tests/e2e/test_error_pages.py does the same against ``python -m config.serve``.
"""

import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test import AsyncClient, Client

from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.hub.error_urls")
# The ASGI path does its database work on other threads, which see only committed rows.
asgi_db = pytest.mark.django_db(transaction=True)

NAME = "Amina Diallo"

# (how to ask, status, what the page says)
PAGES = {
    "400": ("get", "/test-errors/400/", 400, b"<h1>Bad request</h1>"),
    "403": ("get", "/test-errors/403/", 403, b"<h1>Not allowed</h1>"),
    "404": ("get", "/no-such-page/", 404, b"<h1>Page not found</h1>"),
    "500": ("get", "/test-errors/500/", 500, b"<h1>Something went wrong on our side</h1>"),
    "csrf": ("post", "/accounts/logout/", 403, b"<h1>Form expired</h1>"),
}


@pytest.fixture
async def asgi_client():
    client = AsyncClient(raise_request_exception=False, enforce_csrf_checks=True)
    yield client
    # The thread that served the requests' database work keeps its connection; close it, or the
    # test database cannot be dropped at the end of the run.
    await sync_to_async(connections.close_all)()


def assert_error_page(response, page: str, *, logged_in: bool) -> None:
    _method, _path, status, heading = PAGES[page]
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b'<html lang="en" dir="ltr">' in response.content
    assert heading in response.content
    if page == "500":
        # Rendered without the request or the database: nobody is named, nothing to log in to.
        assert b"whoami" not in response.content
        assert b"/accounts/login/" not in response.content
    elif logged_in:
        assert f'<span class="whoami" dir="auto">{NAME}</span>'.encode() in response.content
    else:
        assert b'href="/accounts/login/"' in response.content
        assert b"whoami" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_error_page_renders_through_the_sync_handler(page, logged_in):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if logged_in:
        client.force_login(UserFactory.create(display_name=NAME))
    method, path, _status, _heading = PAGES[page]
    assert_error_page(getattr(client, method)(path), page, logged_in=logged_in)


@asgi_db
@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
async def test_error_page_renders_through_the_asgi_handler(asgi_client, page, logged_in):
    if logged_in:
        await asgi_client.aforce_login(await sync_to_async(UserFactory.create)(display_name=NAME))
    method, path, _status, _heading = PAGES[page]
    assert_error_page(await getattr(asgi_client, method)(path), page, logged_in=logged_in)


@asgi_db
async def test_a_logged_in_user_s_health_check_is_answered_under_asgi(asgi_client):
    # Nothing in /healthz reads request.user; the request log did, on the event loop.
    await asgi_client.aforce_login(await sync_to_async(UserFactory.create)())
    response = await asgi_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["404", "500"])
def test_error_pages_speak_the_visitor_s_language(page):
    client = Client(raise_request_exception=False)
    method, path, status, _heading = PAGES[page]
    response = getattr(client, method)(path, headers={"accept-language": "ar"})
    assert response.status_code == status
    assert b'<html lang="ar" dir="rtl">' in response.content


@asgi_db
async def test_a_404_rendered_off_the_request_s_thread_closes_the_connection_it_opened(asgi_client):
    # Under ASGI, Django renders 400/403/404 on a worker thread of its own, where nothing would
    # close the connection that showing the user opens (request_finished closes the request
    # thread's); left open, it idles until the database drops it, and then that thread's pages fail.
    # (SQLite's connection wrapper has is_in_memory_db; django-stubs type the base class.)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("Django never closes an in-memory SQLite database's connection (a served SQLite is a file)")
    await asgi_client.aforce_login(await sync_to_async(UserFactory.create)(display_name=NAME))
    request_thread = await sync_to_async(threading.get_ident)()
    opened = []

    def record(sender, connection, **kwargs):
        opened.append((threading.get_ident(), connection))

    connection_created.connect(record)
    try:
        response = await asgi_client.get("/no-such-page/")
    finally:
        connection_created.disconnect(record)
    assert_error_page(response, "404", logged_in=True)
    elsewhere = [wrapper for thread, wrapper in opened if thread != request_thread]
    assert elsewhere, "the page was expected to read the user off the request's thread"
    assert [wrapper.connection for wrapper in elsewhere] == [None] * len(elsewhere)
