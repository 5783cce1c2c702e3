"""The expert directory and the library in a real browser (Debian's Chromium), against a real server,
a real Celery worker and a real SMTP server: searching as one types, contacting an expert, and a
resource's way from submission through peer review to the library."""

import re
import subprocess
import sys

import pytest

from experts.models import Expert, ExpertContact, Resource, ReviewerApplication
from tests.e2e.processes import ROOT, services_env, start_uvicorn, start_worker, stop, wait_until
from tests.experts.factories import ExpertFactory
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
    env = services_env(HUB_VAR_DIR=str(tmp_path), EMAIL_HOST=mailbox.host, EMAIL_PORT=str(mailbox.port))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    worker = start_worker(env, tmp_path / "worker.log")
    server, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    yield f"http://localhost:{port}"
    stop(server)
    stop(worker)


def log_in(browser, hub_url: str, username: str):
    page = browser.new_context().new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    return page


def count_text(page) -> str:
    return " ".join(page.locator("#result-count").inner_text().split())


def facet_count(page, option: str) -> str:
    return page.locator(f'[data-option="{option}"] .count').inner_text()


def test_search_as_you_type_then_contact_an_expert_by_email(browser, hub_url, mailbox):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    ExpertFactory.create(
        name="Amina Diallo", organization="UNODC Dakar", objectives=["9"], regions=["africa"],
        email="amina.private@experts.example", bio="Smuggling of migrants along the Sahel routes.",
    )  # fmt: skip
    ExpertFactory.create(name="Abdou Sarr", objectives=["9"], regions=["africa"], bio="Border cooperation.")
    ExpertFactory.create(name="Jonas Berg", objectives=["9"], regions=["europe"])
    ExpertFactory.create(name="Kwame Mensah", objectives=["10"], regions=["africa"])
    ExpertFactory.create(name="Li Wei", objectives=["20"], regions=["asia"])
    UserFactory.create(username="kwabena", email="kwabena@example.org")

    page = log_in(browser, hub_url, "kwabena")
    page.goto(f"{hub_url}/experts/")
    assert count_text(page) == "5 experts found"
    assert page.locator(".apply-filters").is_hidden()  # the script took over the form
    page.evaluate("window.stillTheSamePage = true")  # lost if anything navigates

    page.check("#f-objective-9")
    expect(page.locator("#result-count")).to_have_text("3 experts found")
    expect(page.locator('[data-option="region:asia"] .count')).to_have_text("0")
    expect(page.locator("#f-region-asia")).to_be_disabled()
    assert facet_count(page, "region:africa") == "2"

    page.check("#f-region-africa")
    expect(page.locator("#result-count")).to_have_text("2 experts found")
    expect(page.locator('[data-option="objective:10"] .count')).to_have_text("1")  # Kwame, in Africa
    assert page.locator("#results").get_by_text("Jonas Berg").count() == 0

    page.locator("#search-q").press_sequentially("sahel", delay=40)
    expect(page.locator("#result-count")).to_have_text("1 expert found")
    expect(page.locator('[data-option="region:europe"] .count')).to_have_text("0")
    assert page.evaluate("window.stillTheSamePage") is True
    assert re.search(r"/experts/\?q=sahel&objective=9&region=africa$", page.url)

    page.click("#results a:has-text('Amina Diallo')")
    page.wait_for_url(re.compile(r"/experts/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Amina Diallo")
    assert "amina.private@experts.example" not in page.content()
    page.fill("#id_subject", "Sahel routes")
    page.fill("#id_message", "Could we talk about the Sahel routes?")
    page.click("#contact-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your message was sent")

    def relayed():
        return [mail for mail in mailbox.messages if mail.rcpt_tos == ["amina.private@experts.example"]]

    assert wait_until(lambda: bool(relayed()), timeout=30), "the worker did not relay the contact"
    [mail] = relayed()
    assert mail.message["Reply-To"] == "kwabena@example.org"
    assert "Sahel routes" in mail.message["Subject"]
    assert "Could we talk about the Sahel routes?" in mail.text
    assert ExpertContact.objects.get().expert == Expert.objects.get(name="Amina Diallo")


def test_a_submission_is_reviewed_by_two_reviewers_and_published(browser, hub_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    UserFactory.create(username="submitter")
    UserFactory.create(username="staffer", is_staff=True)
    for name in ("rev_one", "rev_two"):
        ReviewerApplication.objects.create(user=UserFactory.create(username=name), motivation="Ten years on it.",
                                           objectives=["9"])  # fmt: skip

    submitter = log_in(browser, hub_url, "submitter")
    submitter.goto(f"{hub_url}/resources/submit/")
    submitter.select_option("#id_kind", "document")
    submitter.fill("#id_title", "Toolkit to combat smuggling of migrants")
    submitter.fill("#id_summary", "Guidance for policy makers, law enforcers and judges.")
    submitter.fill("#id_url", "https://www.example.org/toolkit.pdf")
    submitter.select_option("#id_document_type", "report")
    submitter.select_option("#id_scope", "global")
    submitter.check("input[name=objectives][value='9']")
    submitter.click("form.wide-form button[type=submit]")
    submitter.wait_for_url(re.compile(r"/resources/\d+/$"))
    expect(submitter.locator(".notice")).to_contain_text("not published")
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.SUBMITTED

    staff = log_in(browser, hub_url, "staffer")
    staff.goto(f"{hub_url}/review/")
    for application in ReviewerApplication.objects.order_by("pk"):
        staff.click(f"#application-{application.pk} button:has-text('Approve')")
        expect(staff.locator(".messages")).to_contain_text(f"{application.user.username} joined")
    staff.fill(f"#assign-{resource.pk}", "rev_one, rev_two")
    staff.click(f"#queue-{resource.pk} button:has-text('Assign')")
    expect(staff.locator(".messages")).to_contain_text("rev_one, rev_two")

    reviewers = [log_in(browser, hub_url, name) for name in ("rev_one", "rev_two")]
    for reviewer in reviewers:
        reviewer.goto(f"{hub_url}/review/")
    for reviewer in reviewers:
        card = reviewer.locator(f"#assignment-{resource.pk}")
        card.locator("input[name=decision][value=approve]").check()
        card.locator("input[name=no_conflict_of_interest]").check()
        card.locator("button[type=submit]").click()
        expect(reviewer.locator(".messages")).to_contain_text("your review")
        expect(reviewer.locator(f"#assignment-{resource.pk}")).to_contain_text("You approved it.")

    resource.refresh_from_db()
    assert resource.status == Resource.Status.APPROVED
    visitor = browser.new_context().new_page()
    visitor.goto(f"{hub_url}/resources/?objective=9")
    expect(visitor.locator("#results")).to_contain_text("Toolkit to combat smuggling of migrants")
    expect(visitor.locator("#result-count")).to_have_text("1 resource found")
    visitor.goto(f"{hub_url}/objectives/9/")
    expect(visitor.locator("#documents")).to_contain_text("Toolkit to combat smuggling of migrants")
    expect(visitor.locator("#documents")).to_contain_text("See all 1")
