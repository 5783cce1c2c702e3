"""Right to left: in Arabic (dir="rtl") the pages mirror, from the same stylesheet as English.

Measured from the boxes Chromium lays out (a desktop-wide viewport, where the sidebars are
columns): the facet sidebar and the objective menu sit on the right, the chat reads from the right
(author at the right edge of a message, the space's side column on the left), and a message's
toolbar moves forward with the left arrow. Messages keep the direction they were written in."""

import pytest

from tests.e2e.a11y_support import ARABIC_MESSAGE, MODERATOR, log_in, new_context, seed_hub, start_hub, stop_hub

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def seeded(taxonomy):
    return seed_hub()


@pytest.fixture
def hub_url(tmp_path, seeded):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not laid out"
    return found


def right(found: dict) -> float:
    return found["x"] + found["width"]


def centre(found: dict) -> float:
    return found["x"] + found["width"] / 2


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sidebars_and_the_chat_follow_the_reading_direction(hub_url, seeded, browser, language):
    rtl = language == "ar"
    context = new_context(browser, hub_url, language, viewport=VIEWPORT)
    page = log_in(context, hub_url, MODERATOR)

    page.goto(f"{hub_url}/experts/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if rtl else "ltr")
    facets, results = box(page, ".facets"), box(page, ".results-pane")
    assert (centre(facets) > centre(results)) is rtl, (facets, results)
    # A facet's options: the checkbox at the start of the line, its count at the end.
    option = page.locator(".facet li:not(.empty-option)").first
    checkbox, count = box(option, "input"), box(option, ".count")
    assert (checkbox["x"] > count["x"]) is rtl

    page.goto(f"{hub_url}/resources/")
    assert (centre(box(page, ".facets")) > centre(box(page, ".results-pane"))) is rtl

    page.goto(f"{hub_url}/objectives/9/")
    menu, objective = box(page, ".objective-side"), box(page, ".objective")
    assert (centre(menu) > centre(objective)) is rtl, (menu, objective)
    commitment = page.locator(".commitment")
    border = "borderRightWidth" if rtl else "borderLeftWidth"
    assert commitment.evaluate(f"(el) => getComputedStyle(el).{border}") == "4px"  # the accent at the start

    page.goto(f"{hub_url}/spaces/{seeded.space_slug}/")
    page.wait_for_selector("#online li:not(.empty)")
    chat, side = box(page, ".space-main"), box(page, ".space-side")
    assert (centre(chat) > centre(side)) is rtl, (chat, side)
    message = page.locator("#m20")
    item, author, meta = box(message, ":scope"), box(message, ".author"), box(message, ".message-meta")
    if rtl:  # the author at the right edge, the details to its left
        assert right(item) - right(author) < 16 and right(meta) <= author["x"] + 1
    else:
        assert author["x"] - item["x"] < 16 and meta["x"] >= right(author) - 1
    first, second = (box(message, f".message-actions button >> nth={index}") for index in (0, 1))
    assert (second["x"] < first["x"]) is rtl  # the toolbar runs in the reading direction
    # What people wrote keeps its own direction on either page.
    direction = "(el) => getComputedStyle(el).direction"
    assert message.locator(".body").evaluate(direction) == "ltr"
    assert page.locator(f"#m{ARABIC_MESSAGE} .body").evaluate(direction) == "rtl"
    send = box(page, "#composer button[type=submit]")
    textarea = box(page, "#composer-body")
    assert (centre(send) < centre(textarea)) is rtl  # Send at the end of its row

    # The arrow that moves forward in a toolbar is the one pointing in the reading direction.
    message.locator(".message-actions button").first.focus()
    page.keyboard.press("ArrowLeft" if rtl else "ArrowRight")
    assert message.locator(".message-actions button").nth(1).evaluate("(el) => el === document.activeElement")
    context.close()
