"""Reflow (WCAG 1.4.10): at 320 CSS px wide (1280 px zoomed to 400 %), no page of the Hub scrolls
sideways, in English and in Arabic; content reflows into one column instead."""

import pytest

from tests.e2e.a11y_support import MODERATOR, SeededHub, log_in, new_context, seed_hub, start_hub, stop_hub

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.timeout(360)]

NARROW = {"width": 320, "height": 640}
# Wider than the viewport by more than a rounding error, and what sticks out the furthest.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    const outside = box.right > width + 1 || box.left < -1;
    return box.width > 0 && outside && !el.closest(".visually-hidden, .skip-link, [hidden]")
      && getComputedStyle(el).position !== "fixed";
  }).map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}`);
  return { scrolls: document.documentElement.scrollWidth > width + 1, wide: wide.slice(0, 6) };
}"""


@pytest.fixture
def seeded(taxonomy) -> SeededHub:
    return seed_hub()


@pytest.fixture
def hub_url(tmp_path, seeded):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_page_scrolls_sideways_at_320_px(hub_url, seeded, browser, language):
    context = new_context(browser, hub_url, language, viewport=NARROW)
    page = log_in(context, hub_url, MODERATOR)
    failures = {}
    for name, path in seeded.staff_pages.items():
        page.goto(f"{hub_url}{path}")
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OVERFLOW)
        if found["scrolls"]:
            failures[name] = found["wide"]
    context.close()
    assert failures == {}, "\n".join(f"{name}: {', '.join(wide)}" for name, wide in failures.items())
