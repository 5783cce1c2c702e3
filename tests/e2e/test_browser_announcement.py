"""An announcement in a real browser (Debian's Chromium) against a real server and a real Celery worker
on Redis: a user subscribes to objective 9, an organizer publishes an objective 9 training, the
user's bell count rises live on the page they have open, the inbox shows the announcement, and the
user follows it to the event and answers yes.

The announcement is written by the worker (``events.tasks.announce_event``, queued after the
publishing commit) and pushed by it through Redis to the server holding the user's
``/ws/notifications/`` socket; nothing in the user's page is reloaded meanwhile.
"""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from events.models import Event, Rsvp, RsvpResponse
from notifications.models import Notification, Subscription
from tests.e2e.processes import ROOT, services_env, start_uvicorn, start_worker, stop
from tests.events.factories import organizer_user
from tests.factories import PASSWORD, UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

EXPECT_TIMEOUT = 30_000  # ms: the worker's fan-out on a loaded machine; each wait ends when it holds
TITLE = "Training: ethical recruitment of migrant workers"


@pytest.fixture
def mailbox(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("smtp_server")


@pytest.fixture
def hub_url(tmp_path: Path, mailbox: Any, taxonomy: None) -> Iterator[str]:
    """A server and a Celery worker sharing the test's database and Redis, emailing ``mailbox``."""
    env = services_env(HUB_VAR_DIR=str(tmp_path), EMAIL_HOST=mailbox.host, EMAIL_PORT=str(mailbox.port))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    worker = start_worker(env, tmp_path / "worker.log")
    server, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(server)
    stop(worker)


def log_in(browser: Any, hub_url: str, username: str) -> Any:
    """A page of a browser context of its own (its own cookies), logged in as ``username``."""
    page = browser.new_context().new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    return page


def test_a_subscriber_sees_an_announcement_live_and_answers_yes(browser: Any, hub_url: str) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    user = UserFactory.create(username="kwabena")
    organizer_user(username="organizer")

    # The user subscribes to objective 9 on the settings page.
    page = log_in(browser, hub_url, "kwabena")
    page.goto(f"{hub_url}/notifications/settings/")
    subscriptions = page.locator("form[action$='/notifications/settings/subscriptions/']")
    subscriptions.locator("input[name=objectives][value='9']").check()
    subscriptions.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Your subscriptions were saved.")
    assert Subscription.objects.get(user=user).objectives == ["9"]

    # The bell on the open page: no unread yet, and its socket has said so (bell.js sets
    # data-unread from the socket's first ``unread`` frame, which comes after the socket joined its
    # stream): from here on, only a live push can change the count.
    bell = page.locator("[data-notification-bell]")
    count = bell.locator("[data-count]")
    # (The count's ``hidden`` attribute, which bell.js sets, rather than what CSS makes of it.)
    expect(bell).to_have_attribute("data-unread", "0")
    expect(count).to_have_attribute("hidden", "")
    page.evaluate("window.notReloaded = true")

    # The organizer, in a browser context of their own, creates an objective 9 training and publishes it.
    organizer = log_in(browser, hub_url, "organizer")
    organizer.goto(f"{hub_url}/events/new/")
    organizer.fill("#id_title", TITLE)
    organizer.select_option("#id_kind", "training")
    organizer.select_option("#id_timezone", "Africa/Accra")
    organizer.fill("#id_starts_at", "2030-06-11T09:00")
    organizer.fill("#id_ends_at", "2030-06-11T12:00")
    organizer.fill("#id_location", "Accra International Conference Centre")
    organizer.fill("#id_capacity", "25")
    organizer.check("input[name=objectives][value='9']")
    organizer.click("form.event-form button[type=submit]")
    organizer.wait_for_url(re.compile(r"/events/\d+/$"))
    organizer.click("#publish-form button[type=submit]")
    expect(organizer.locator(".messages")).to_contain_text("The event is published")
    event = Event.objects.get()
    assert event.status == Event.Status.PUBLISHED
    assert event.objectives == ["9"]

    # The user's bell rises on the page they had open, without a reload.
    expect(count).to_have_text("1")
    expect(count).not_to_have_attribute("hidden", "")
    expect(bell).to_have_attribute("data-unread", "1")
    assert page.evaluate("window.notReloaded === true"), "the user's page was reloaded"
    assert page.url == f"{hub_url}/notifications/settings/"
    [notification] = Notification.objects.filter(recipient=user)
    assert notification.kind == Notification.Kind.EVENT_ANNOUNCEMENT

    # The inbox shows the announcement; the user follows it to the event and answers yes.
    bell.click()
    page.wait_for_url(f"{hub_url}/notifications/")
    item = page.locator(f"#n{notification.pk}")
    expect(item.locator(".notification-title")).to_contain_text(TITLE)
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    item.get_by_role("button", name="Open").click()
    page.wait_for_url(f"{hub_url}/events/{event.pk}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(count).to_have_attribute("hidden", "")  # opening it read it
    page.click("#rsvp-form button[value=yes]")
    expect(page.locator(".messages")).to_contain_text("You are coming")
    expect(page.locator("#my-answer")).to_have_text("You are coming.")
    expect(page.locator("#attendee-count")).to_contain_text("1 of 25 seats taken")
    assert Rsvp.objects.get(event=event, user=user).response == RsvpResponse.YES
