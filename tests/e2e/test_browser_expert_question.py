"""Asking an objective's experts in a real browser (Debian's Chromium) against a real server and a
real Celery worker on Redis: the asker types "@obj" in the composer, the expert groups are
suggested (a listbox the message box controls), the asker picks objective 9's experts with the
arrow keys and Enter and sends; the expert, in a browser context of their own, finds the question
in their inbox and follows it to the message.
"""

import re
from typing import Any

import pytest

from discussions.models import Membership, Space
from experts.models import ExpertQuestion
from notifications.models import Notification
from tests.e2e.a11y_support import AXE_FILE, new_context, run_axe
from tests.e2e.test_browser_announcement import EXPECT_TIMEOUT, hub_url, log_in, mailbox  # noqa: F401  (fixtures)
from tests.experts.factories import ExpertFactory
from tests.factories import PASSWORD, UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture behind ``mailbox``)

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_question_picked_from_the_suggestions_reaches_the_experts_inbox(
    browser: Any,
    hub_url: str,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    space = Space.objects.create(slug="sea-crossings", name="Sea crossings", visibility=Space.Visibility.PUBLIC)
    asker = UserFactory.create(username="karim")
    Membership.objects.create(space=space, user=asker)
    expert_user = UserFactory.create(username="amina")
    ExpertFactory.create(user=expert_user, objectives=["9"], bio="Migrant smuggling at sea.")

    page = log_in(browser, hub_url, "karim")
    page.goto(f"{hub_url}/spaces/{space.slug}/")
    body = page.locator("#composer-body")
    body.click()
    page.keyboard.type("Who screens for smuggling at sea? @obj")

    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(body).to_have_attribute("aria-controls", "mention-suggestions")
    if AXE_FILE.exists():  # axe-core, when scripts/ensure_axe.sh installed it
        assert run_axe(page, "composer suggestions", within="#composer") == []
    options = listbox.get_by_role("option")
    names = [name for name in options.evaluate_all("(nodes) => nodes.map((node) => node.dataset.name)")]
    assert names == [f"objective-{n}-experts" for n in range(1, 11)]
    assert "general-experts" not in names
    # Down to objective 9's experts; the highlighted option is the box's active descendant.
    for _ in range(names.index("objective-9-experts")):
        page.keyboard.press("ArrowDown")
    active = body.get_attribute("aria-activedescendant")
    assert active is not None
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#{active}")).to_contain_text("@objective-9-experts")
    page.keyboard.press("Enter")  # picks; does not send
    expect(listbox).to_be_hidden()
    expect(body).to_have_value("Who screens for smuggling at sea? @objective-9-experts ")
    expect(body).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    page.keyboard.press("Enter")  # sends
    message = page.locator("#m1")
    expect(message).to_contain_text("@objective-9-experts")
    expect(body).to_have_value("")

    # The expert's inbox, once the worker has chosen and told them.
    expect.set_options(timeout=EXPECT_TIMEOUT)
    question = ExpertQuestion.objects.get()
    assert question.message.mentions == ["objective-9-experts"]
    expert_page = log_in(browser, hub_url, "amina")
    notification = None
    for _ in range(EXPECT_TIMEOUT // 500):
        notification = Notification.objects.filter(
            recipient=expert_user, kind=Notification.Kind.EXPERT_QUESTION
        ).first()
        if notification is not None:
            break
        expert_page.wait_for_timeout(500)
    assert notification is not None, "the worker did not tell the expert"
    expert_page.goto(f"{hub_url}/notifications/")
    item = expert_page.locator(f"#n{notification.pk}")
    expect(item.locator(".notification-title")).to_contain_text(
        "asks the experts (@objective-9-experts) in Sea crossings"
    )
    item.get_by_role("button", name="Open").click()
    expert_page.wait_for_url(re.compile(rf"/spaces/{space.slug}/#m1$"))
    expect(expert_page.locator("#m1")).to_contain_text("Who screens for smuggling at sea?")


def test_the_suggestions_work_the_same_on_a_right_to_left_page(
    browser: Any,
    hub_url: str,  # noqa: F811
) -> None:
    """Arabic: the page reads right to left; the list sits under the box at its inline start, the
    handles stay left to right, Down and Up still move (they are not directional), Escape closes."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    space = Space.objects.create(slug="returns", name="Returns", visibility=Space.Visibility.PUBLIC)
    asker = UserFactory.create(username="leila")
    Membership.objects.create(space=space, user=asker)
    page = new_context(browser, hub_url, "ar").new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", "leila")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    page.goto(f"{hub_url}/spaces/{space.slug}/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    body = page.locator("#composer-body")
    body.click()
    page.keyboard.type("سؤال @objective-1")
    listbox = page.locator("#mention-suggestions")
    expect(listbox).to_be_visible()
    names = listbox.locator("[role=option]").evaluate_all("(nodes) => nodes.map((node) => node.dataset.name)")
    assert names[:4] == ["objective-1-experts", "objective-10-experts", "objective-11-experts", "objective-12-experts"]
    handle = listbox.locator(".mention-name").first
    expect(handle).to_have_attribute("dir", "ltr")
    box, field = listbox.bounding_box(), body.bounding_box()
    assert box is not None and field is not None
    assert abs((box["x"] + box["width"]) - (field["x"] + field["width"])) < 2  # the inline start: the right
    page.keyboard.press("ArrowDown")
    expect(page.locator("#mention-option-1")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#mention-option-0")).to_have_attribute("aria-selected", "true")
    if AXE_FILE.exists():
        violations = run_axe(page, "composer suggestions (rtl)", within="#composer")
        assert violations == [], "\n".join(map(str, violations))
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(body).to_have_value("سؤال @objective-1")
    expect(body).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
