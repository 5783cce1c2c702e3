"""Events in a real browser (Debian's Chromium) against a real server and a real Celery worker: an
organizer creates and publishes an event, a member opens it and answers yes; an invitee answers by the
link in their invitation email, without an account."""

import re

import pytest

from events.models import Event, Invitation, Rsvp, RsvpResponse
from tests.e2e.processes import ROOT, services_env, start_uvicorn, start_worker, stop, wait_until
from tests.events.factories import organizer_user
from tests.factories import PASSWORD, UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

EXPECT_TIMEOUT = 10_000  # ms


@pytest.fixture
def mailbox(request):
    return request.getfixturevalue("smtp_server")


@pytest.fixture
def hub_url(tmp_path, mailbox, taxonomy):
    """A server and a worker sharing the test's database and Redis, sending email to ``mailbox``."""
    import subprocess
    import sys

    env = services_env(HUB_VAR_DIR=str(tmp_path), EMAIL_HOST=mailbox.host, EMAIL_PORT=str(mailbox.port))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    worker = start_worker(env, tmp_path / "worker.log")
    server, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(server)
    stop(worker)


def log_in(browser, hub_url: str, username: str, *, timezone_id: str = "UTC"):
    page = browser.new_context(timezone_id=timezone_id).new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    return page


def test_an_organizer_publishes_an_event_and_a_member_answers_yes(browser, hub_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    organizer_user(username="organizer", display_name="Amina Diallo")
    member = UserFactory.create(username="kwabena")

    organizer = log_in(browser, hub_url, "organizer")
    organizer.click("nav.main-nav >> text=Events")
    organizer.wait_for_url(f"{hub_url}/events/")
    organizer.click("text=New event")
    organizer.fill("#id_title", "Training: fair recruitment in practice")
    organizer.select_option("#id_kind", "training")
    organizer.fill("#id_description", "Hands-on session on **fair recruitment**.")
    organizer.select_option("#id_timezone", "Europe/Paris")
    organizer.fill("#id_starts_at", "2030-03-14T10:00")
    organizer.fill("#id_ends_at", "2030-03-14T12:00")
    organizer.fill("#id_location", "Palais des Nations, Geneva")
    organizer.fill("#id_capacity", "25")
    organizer.check("input[name=objectives][value='6']")
    organizer.click("form.event-form button[type=submit]")
    organizer.wait_for_url(re.compile(r"/events/\d+/$"))
    expect(organizer.locator(".messages")).to_contain_text("saved as a draft")
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT
    organizer.click("#publish-form button[type=submit]")
    expect(organizer.locator(".messages")).to_contain_text("The event is published")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # The member's browser is in New York: the page shows the time there and in Paris.
    page = log_in(browser, hub_url, "kwabena", timezone_id="America/New_York")
    page.goto(f"{hub_url}/events/")
    expect(page.locator(".zone-note")).to_contain_text("America/New_York")  # the script set the zone, once
    page.click("text=Training: fair recruitment in practice")
    page.wait_for_url(f"{hub_url}/events/{event.pk}/")
    expect(page.locator(".when")).to_contain_text("05:00")  # 10:00 in Paris
    expect(page.locator(".own-zone")).to_contain_text("10:00 in Europe/Paris")
    expect(page.locator(".description strong")).to_have_text("fair recruitment")
    page.click("#rsvp-form button[value=yes]")
    expect(page.locator(".messages")).to_contain_text("You are coming")
    expect(page.locator("#my-answer")).to_have_text("You are coming.")
    expect(page.locator("#attendee-count")).to_contain_text("1 of 25 seats taken")
    assert Rsvp.objects.get(event=event, user=member).response == RsvpResponse.YES
    ics = page.request.get(f"{hub_url}/api/v1/events/{event.pk}/ics")
    assert ics.status == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=Europe/Paris:20300314T100000" in ics.text()


def test_an_invitee_without_an_account_answers_by_the_emailed_link(browser, hub_url, mailbox):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    organizer_user(username="organizer")
    organizer = log_in(browser, hub_url, "organizer")
    organizer.goto(f"{hub_url}/events/new/")
    organizer.fill("#id_title", "GCM Talk: return and reintegration")
    organizer.fill("#id_starts_at", "2030-05-02T14:00")
    organizer.fill("#id_ends_at", "2030-05-02T15:00")
    organizer.fill("#id_online_url", "https://meet.example.org/gcm-talk")
    organizer.click("form.event-form button[type=submit]")
    organizer.wait_for_url(re.compile(r"/events/\d+/$"))
    organizer.click("#publish-form button[type=submit]")
    expect(organizer.locator(".messages")).to_contain_text("The event is published")
    organizer.click("text=Invite people")
    organizer.fill("#id_emails", "guest@partner.example")
    organizer.click("#invite-form button[type=submit]")
    expect(organizer.locator(".messages")).to_contain_text("1 invitation sent.")

    def invitations():
        return [mail for mail in mailbox.messages if mail.rcpt_tos == ["guest@partner.example"]]

    assert wait_until(lambda: bool(invitations()), timeout=30), "the worker did not send the invitation"
    [mail] = invitations()
    link = re.search(r"http://\S+/events/invitation/\S+/", mail.text)
    assert link, mail.text
    path = link.group(0).split("/events/", 1)[1]

    guest = browser.new_context().new_page()  # no account, no login
    guest.goto(f"{hub_url}/events/{path}")
    expect(guest.locator("h1")).to_have_text("GCM Talk: return and reintegration")
    guest.click("#invitation-rsvp-form button[value=maybe]")
    expect(guest.locator("#my-answer")).to_contain_text("Maybe")
    assert Invitation.objects.get().response == RsvpResponse.MAYBE
