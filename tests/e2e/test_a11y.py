"""Every page of the Hub through axe-core in Chromium: no serious or critical violation (WCAG 2.2 A/AA
and axe's best practices), in English and in Arabic (right to left), anonymous and logged in.

Each run visits every page type with real content (a conversation, experts, resources under
review, events, notifications), also in the states a visitor meets: a form with errors, the
expired-form (CSRF) page, the chat once live."""

import pytest

from tests.e2e.a11y_support import (
    EXPECT_TIMEOUT,
    MEMBER,
    MODERATOR,
    SeededHub,
    Violation,
    log_in,
    new_context,
    run_axe,
    seed_hub,
    start_hub,
    stop_hub,
)

# Some fifty pages per test, each through axe: more than the suite's default two minutes on a slow machine.
pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.timeout(360)]


@pytest.fixture
def seeded(taxonomy) -> SeededHub:
    return seed_hub()


@pytest.fixture
def hub_url(tmp_path, seeded):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


def visit(page, hub_url: str, name: str, path: str, seeded: SeededHub) -> list[Violation]:
    # ``goto`` returns at the page's load event: the server-rendered page with its styles and deferred
    # scripts run. (Waiting for the network to be idle as well cost half a second a page, and no page
    # fetches anything on load but the space, whose live state is awaited below.)
    page.goto(f"{hub_url}{path}")
    if path == f"/spaces/{seeded.space_slug}/" and page.locator("#composer").count():
        # The chat is live (the socket said hello) before it is judged: its controls are there.
        page.wait_for_selector("#online li:not(.empty)", timeout=EXPECT_TIMEOUT)
    return run_axe(page, name)


def form_with_errors(page, hub_url: str, path: str, name: str) -> list[Violation]:
    """The form at ``path`` sent empty: the page again, with its error messages."""
    page.goto(f"{hub_url}{path}")
    page.evaluate("document.querySelectorAll('main form [required]').forEach((f) => f.removeAttribute('required'))")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    return run_axe(page, name)


def expired_form(page, hub_url: str) -> list[Violation]:
    """A form posted without its CSRF token: the "Form expired" page."""
    page.goto(f"{hub_url}/")
    with page.expect_navigation():
        page.evaluate(
            """() => { const form = document.createElement('form'); form.method = 'post';
                       form.action = '/accounts/logout/'; document.body.append(form); form.submit(); }"""
        )
    assert "Form expired" in page.content() or page.locator("html[dir=rtl]").count()
    return run_axe(page, "CSRF failure")


def chat_in_use(page, hub_url: str, seeded: SeededHub) -> list[Violation]:
    """The space while its controls are in use: a message being edited, a reply being written."""
    page.goto(f"{hub_url}/spaces/{seeded.space_slug}/")
    page.wait_for_selector("#online li:not(.empty)", timeout=EXPECT_TIMEOUT)
    own = page.locator(f"#message-list li.message[data-author='{MODERATOR}']:not(.deleted)").last
    own.focus()
    page.keyboard.press("e")
    page.wait_for_selector(".edit-form textarea:focus", timeout=EXPECT_TIMEOUT)
    violations = run_axe(page, "space, editing a message")
    page.keyboard.press("Escape")
    own.focus()
    page.keyboard.press("r")
    page.wait_for_selector("#replying:not([hidden])", timeout=EXPECT_TIMEOUT)
    return violations + run_axe(page, "space, replying")


def report(violations: list[Violation]) -> str:
    return "\n".join(map(str, violations))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_violation_on_any_page_anonymous(hub_url, seeded, browser, language):
    context = new_context(browser, hub_url, language)
    page = context.new_page()
    violations: list[Violation] = []
    for name, path in seeded.anonymous_pages.items():
        violations += visit(page, hub_url, name, path, seeded)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), name
    violations += form_with_errors(page, hub_url, "/accounts/login/", "login with errors")
    violations += form_with_errors(page, hub_url, "/accounts/register/", "register with errors")
    violations += expired_form(page, hub_url)
    context.close()
    assert not violations, f"axe-core ({language}, anonymous):\n{report(violations)}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_violation_on_any_page_logged_in(hub_url, seeded, browser, language):
    violations: list[Violation] = []
    for who, pages in ((MODERATOR, seeded.staff_pages), (MEMBER, seeded.member_pages)):
        context = new_context(browser, hub_url, language)
        page = log_in(context, hub_url, who)
        for name, path in pages.items():
            violations += visit(page, hub_url, f"{name} ({who})", path, seeded)
            assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), name
        if who == MODERATOR:
            violations += chat_in_use(page, hub_url, seeded)
            violations += form_with_errors(page, hub_url, "/events/new/", "event form with errors")
            violations += form_with_errors(page, hub_url, "/resources/submit/", "resource form with errors")
            violations += expired_form(page, hub_url)
        context.close()
    assert not violations, f"axe-core ({language}, logged in):\n{report(violations)}"
