"""Two people chat in one space, each in their own browser context (Debian's Chromium)."""

import subprocess
import sys

import pytest

from discussions.models import Membership, Space
from tests.e2e.processes import ROOT, services_env, start_uvicorn, stop
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hub_url(tmp_path):
    env = services_env(HUB_VAR_DIR=str(tmp_path))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(process)


def log_in(context, hub_url: str, username: str):
    page = context.new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    return page


def test_two_users_see_each_others_messages_live(browser, hub_url):
    space = Space.objects.create(slug="live-chat", name="Live chat")
    amina, kwame = UserFactory.create(username="amina"), UserFactory.create(username="kwame")
    for user in (amina, kwame):
        Membership.objects.create(space=space, user=user)

    pages = []
    for user in (amina, kwame):
        page = log_in(browser.new_context(), hub_url, user.username)
        page.goto(f"{hub_url}/spaces/{space.slug}/")
        page.wait_for_selector(f"#online li:has-text('{user.username}')")
        pages.append(page)
    amina_page, kwame_page = pages
    kwame_page.wait_for_selector("#online li:has-text('amina')")

    amina_page.fill("#composer-body", "Hello from **Amina**")
    amina_page.press("#composer-body", "Enter")
    kwame_page.wait_for_selector("#log .message:has-text('Hello from Amina') strong:has-text('Amina')", timeout=5000)

    kwame_page.fill("#composer-body", "Hi Amina, Kwame here")
    kwame_page.click("#composer button[type=submit]")
    amina_page.wait_for_selector("#log .message:has-text('Kwame here')", timeout=5000)

    assert amina_page.locator("#log .message").count() == 2
    assert kwame_page.locator("#log .message").count() == 2
    assert Space.objects.get(pk=space.pk).last_seq == 2
