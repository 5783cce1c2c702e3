"""The XSS corpus in Chromium (Debian's): the pages that show every user-controlled text, and the
live chat receiving the corpus over its socket, open no dialog, send no request to another origin,
and leave no event handler, script URL or script without the page's nonce in the DOM."""

import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection

from discussions.models import Membership
from discussions.services.posting import message_post
from tests.e2e.processes import ROOT, services_env, start_uvicorn, stop
from tests.factories import PASSWORD, UserFactory
from tests.security.hostile_world import CHAT_SLUG, OBJECTIVE, hostile_world_create
from tests.security.xss_corpus import PAYLOADS

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

# What the browser's own parser left in the document that could run.
DOM_EXECUTABLE = """() => {
  const found = [];
  const scriptUrl = /^[\\s\\u0000-\\u001f]*(javascript|data|vbscript):/i;
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) found.push(`${element.tagName} ${attribute.name}`);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(attribute.name)
          && scriptUrl.test(attribute.value)) found.push(`${element.tagName} ${attribute.name}=${attribute.value}`);
    }
  }
  for (const script of document.querySelectorAll('script')) {
    if (script.type !== 'application/json' && !script.nonce) found.push(`script ${script.outerHTML.slice(0, 100)}`);
  }
  for (const tag of ['iframe', 'object', 'embed', 'base']) {
    for (const element of document.getElementsByTagName(tag)) found.push(element.outerHTML.slice(0, 100));
  }
  return found;
}"""


@pytest.fixture
def hub_url(tmp_path):
    env = services_env(HUB_VAR_DIR=str(tmp_path))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(process)


def post_the_corpus(space_id: int) -> None:
    try:
        for index, payload in enumerate(PAYLOADS):
            author = UserFactory.create(username=f"live{index}")
            Membership.objects.create(space_id=space_id, user=author)
            message_post(slug=CHAT_SLUG, author=author, body=payload)
    finally:
        connection.close()


def test_the_corpus_runs_nothing_and_calls_nowhere_in_chromium(browser, hub_url, taxonomy):
    world = hostile_world_create(viewer=UserFactory.create(username="viewer", is_staff=True))
    origin = urlsplit(hub_url).netloc
    dialogs: list[str] = []
    foreign: list[str] = []

    context = browser.new_context()

    def guard(route):
        # Aborted before it leaves: a hostile request is recorded, never sent.
        url = urlsplit(route.request.url)
        if url.scheme in {"data", "blob"} or url.netloc == origin:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    def sockets(socket):
        if urlsplit(socket.url).netloc != origin:
            foreign.append(socket.url)

    context.route("**/*", guard)
    page = context.new_page()
    page.on("dialog", dismiss)
    page.on("websocket", sockets)
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")

    bidi = [index for index, payload in enumerate(PAYLOADS) if "\u202e" in payload]
    paths = [
        "/", "/spaces/", "/experts/", "/resources/", "/events/", "/notifications/", f"/objectives/{OBJECTIVE}/",
        *(f"/experts/{world.experts[index].pk}/" for index in (0, 2, 9, *bidi)),
        *(f"/resources/{world.resources[index].pk}/" for index in (0, 13, 15)),
        *(f"/events/{world.events[index].pk}/" for index in (0, 4, 21)),
        *(f"/spaces/{world.spaces[index].slug}/" for index in (0, 3)),
    ]  # fmt: skip
    left_in_dom = {}
    for path in paths:
        page.goto(f"{hub_url}{path}", wait_until="networkidle")
        found = page.evaluate(DOM_EXECUTABLE)
        if found:
            left_in_dom[path] = found

    # The chat: its history, then the corpus again, live over the socket.
    page.goto(f"{hub_url}/spaces/{CHAT_SLUG}/")
    page.wait_for_selector("#log .message")
    # Posted from a thread of its own: the broadcast after commit calls async_to_sync, which
    # Playwright's event loop in this thread would refuse.
    poster = threading.Thread(target=post_the_corpus, args=(world.chat.pk,))
    poster.start()
    poster.join()
    page.wait_for_function(
        f"() => document.querySelectorAll('#log .message').length >= {2 * len(PAYLOADS)}", timeout=20_000
    )
    page.wait_for_timeout(500)  # let any injected image or script try its luck
    found = page.evaluate(DOM_EXECUTABLE)
    if found:
        left_in_dom["chat"] = found

    assert dialogs == []
    assert foreign == []
    assert left_in_dom == {}
    context.close()
