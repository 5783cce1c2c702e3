"""The digest's time zone on the settings page in a real browser (Debian's Chromium, real server):
a browser in Tokyo gets its zone offered while the stored one is the default, the person saves it
with their hour (no serious axe-core violation on the page meanwhile); a zone chosen before is never
replaced by the browser's."""

import subprocess
import sys

import pytest

from notifications.models import NotificationPreference
from tests.e2e.a11y_support import run_axe
from tests.e2e.processes import ROOT, services_env, start_uvicorn, stop
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

EXPECT_TIMEOUT = 10_000  # ms


@pytest.fixture
def hub_url(tmp_path):
    env = services_env(HUB_VAR_DIR=str(tmp_path))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(server)


def settings_page(browser, hub_url: str, username: str, *, timezone_id: str):
    page = browser.new_context(timezone_id=timezone_id).new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    page.goto(f"{hub_url}/notifications/settings/")
    return page


def test_a_browser_in_tokyo_is_offered_its_zone_and_saves_it_with_an_hour(browser, hub_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    amina = UserFactory.create(username="amina")
    page = settings_page(browser, hub_url, "amina", timezone_id="Asia/Tokyo")
    expect(page.locator("#id_timezone")).to_have_value("Asia/Tokyo")
    expect(page.locator("#zone-suggested")).to_be_visible()
    assert run_axe(page, "notification settings, zone offered") == []
    page.get_by_label("Daily digest", exact=True).check()
    page.get_by_label("Send the daily digest at").select_option("9")
    page.click("form[action='/notifications/settings/preferences/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your notification preferences were saved.")
    preference = NotificationPreference.objects.get(user=amina)
    assert (preference.email, preference.timezone, preference.digest_hour) == ("daily_digest", "Asia/Tokyo", 9)
    expect(page.locator("#id_timezone")).to_have_value("Asia/Tokyo")
    expect(page.locator("#zone-suggested")).to_be_hidden()


def test_a_zone_chosen_before_is_kept_whatever_the_browser_says(browser, hub_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    bo = UserFactory.create(username="bo")
    NotificationPreference.objects.create(user=bo, email="daily_digest", timezone="Europe/Paris", digest_hour=8)
    page = settings_page(browser, hub_url, "bo", timezone_id="Asia/Tokyo")
    expect(page.locator("#id_timezone")).to_have_value("Europe/Paris")
    expect(page.locator("#id_digest_hour")).to_have_value("8")
    expect(page.locator("#zone-suggested")).to_be_hidden()
