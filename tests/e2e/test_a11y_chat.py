"""What a screen reader hears in a space, what a user who asked for less motion sees, and colour
contrast in every state of the chat's controls (Chromium against a served Hub).

Announcements are recorded the way a screen reader picks them up: text added inside a live region
(``aria-live`` polite or assertive, or a role that implies it) while that region is not ``off``
and not ``aria-busy``. Chromium's own accessibility tree (through the DevTools protocol) confirms
that the new message sits in the polite log and reads author, then text.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import User
from discussions.models import Membership, Space
from discussions.services.editing import message_edit
from discussions.services.posting import message_post
from discussions.services.reactions import reaction_set
from discussions.services.spaces import space_create
from tests.e2e.a11y_support import EXPECT_TIMEOUT, log_in, new_context, run_axe, start_hub, stop_hub
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

HISTORY = 60  # more than a page holds (50): the rest loads above

# Installed before the page's own scripts: records what a screen reader would announce.
ANNOUNCEMENT_RECORDER = """
window.__announcements = [];
const regionOf = (node) => {
  for (let el = node.nodeType === 1 ? node : node.parentElement; el; el = el.parentElement) {
    const live = el.getAttribute("aria-live");
    const role = el.getAttribute("role");
    if (live || ["log", "status", "alert"].includes(role)) {
      return { root: el, politeness: live || (role === "alert" ? "assertive" : "polite") };
    }
  }
  return null;
};
// What the page holds when parsing ends is the page, not news: recording starts then, before the
// page's deferred scripts run.
const recorder = new MutationObserver((records) => {
  for (const record of records) {
    const region = regionOf(record.target);
    if (!region || region.politeness === "off" || region.root.closest("[aria-busy=true]")) continue;
    const nodes = record.type === "characterData" ? [record.target] : [...record.addedNodes];
    for (const node of nodes) {
      const text = (node.nodeType === 1 ? node.innerText || node.textContent : node.textContent) || "";
      if (text.trim()) window.__announcements.push({ region: region.root.id, text: text.replace(/\\s+/g, " ").trim() });
    }
  }
});
document.addEventListener("readystatechange", () => {
  if (document.readyState !== "interactive") return;
  recorder.observe(document, { childList: true, subtree: true, characterData: true });
});
"""


@pytest.fixture
def space(taxonomy, settings) -> Space:
    settings.DISCUSSION_RATE_LIMIT_COUNT = HISTORY  # the history is posted at once
    amina = UserFactory.create(username="amina", display_name="Amina Diallo", is_staff=True)
    kwame = UserFactory.create(username="kwame", display_name="Kwame Mensah")
    space = space_create(creator=amina, slug="returns", name="Safe returns", objective="21")
    Membership.objects.create(space=space, user=kwame)
    for number in range(1, HISTORY + 1):
        message_post(slug=space.slug, author=amina if number % 2 else kwame, body=f"Earlier point {number}.")
    return space


@pytest.fixture
def hub_url(tmp_path, space):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


def in_another_thread(change) -> None:
    """A change made as the server makes it, published after commit (Playwright's event loop
    runs in the test's thread, where publishing cannot wait)."""

    def run() -> None:
        try:
            change()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def announced(page, region: str = "log") -> list[str]:
    return [entry["text"] for entry in page.evaluate("window.__announcements") if entry["region"] == region]


def open_space(browser, hub_url: str, space: Space, username: str, **options):
    context = new_context(browser, hub_url, "en", **options)
    context.add_init_script(ANNOUNCEMENT_RECORDER)
    page = log_in(context, hub_url, username)
    page.goto(f"{hub_url}/spaces/{space.slug}/")
    page.wait_for_selector("#online li:not(.empty)", timeout=EXPECT_TIMEOUT)
    page.wait_for_function("document.getElementById('log').getAttribute('aria-live') === 'polite'")
    return page


def ax_ancestry(page, selector: str) -> list[dict]:
    """Chromium's accessibility nodes from ``selector`` up to the document: role, name and
    properties (live, relevant, focusable…) of each."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Accessibility.enable")
    document = cdp.send("DOM.getDocument", {"depth": 0})
    node = cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector})
    described = cdp.send("DOM.describeNode", {"nodeId": node["nodeId"]})
    tree = cdp.send("Accessibility.getAXNodeAndAncestors", {"backendNodeId": described["node"]["backendNodeId"]})
    return [
        {
            "role": ax["role"]["value"],
            "name": ax.get("name", {}).get("value"),
            **{prop["name"]: prop["value"].get("value") for prop in ax.get("properties", [])},
        }
        for ax in tree["nodes"]
    ]


def test_only_new_messages_are_announced_and_focus_stays(hub_url, space, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    amina = User.objects.get(username="amina")
    page = open_space(browser, hub_url, space, "kwame")
    log = page.get_by_role("log", name="Messages")
    expect(log.get_by_role("listitem")).to_have_count(50)  # the newest 50
    # Loading the page, and the script giving each message its toolbar: nothing is read out.
    assert page.locator("#m60 [role=toolbar] button").count() >= 5
    assert announced(page) == []

    # The reader moves to the oldest message shown and up again: 10 earlier messages load above.
    page.locator("#m60").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#m1")).to_be_attached()
    expect(page.locator("#m10")).to_be_focused()
    # A reaction and an edit change messages already there.
    changed = space.messages.get(seq=59).pk
    in_another_thread(lambda: reaction_set(message_id=changed, user=amina, emoji="🎉", present=True))
    in_another_thread(lambda: message_edit(message_id=changed, user=amina, body="Point 59, revised."))
    expect(page.locator("#m59 .body")).to_have_text("Point 59, revised.")
    expect(page.locator("#m59 .reactions")).to_have_text("🎉 1")
    assert announced(page) == []

    # A new message: announced once, author first, then its text; focus does not move.
    in_another_thread(lambda: message_post(slug=space.slug, author=amina, body="Returns must be **voluntary**."))
    expect(page.locator("#m61")).to_be_attached()
    page.wait_for_function("window.__announcements.some((entry) => entry.region === 'log')")
    [text] = announced(page)
    assert text.startswith("Amina Diallo Returns must be voluntary. #61"), text
    expect(page.locator("#m10")).to_be_focused()
    assert page.locator("#message-list li[tabindex='0']").count() == 1

    # Chromium's accessibility tree: a list item inside the polite log, read author then text.
    item, list_, log_, *_ = ax_ancestry(page, "#m61")
    assert (item["role"], list_["role"]) == ("listitem", "list")
    live = (log_["role"], log_["name"], log_.get("live"), log_.get("relevant"))
    assert live == ("log", "Messages", "polite", "additions"), log_
    lines = [line for line in page.locator("#m61").inner_text().split("\n") if line.strip()]
    assert lines[:2] == ["Amina Diallo", "Returns must be voluntary."]
    # The typing line and presence list are not live regions: only messages are announced.
    assert page.locator("#typing").get_attribute("aria-live") is None


def test_reduced_motion_is_honoured(hub_url, space, browser):
    """The bell's ring (the one animation) stops when the system asks for less motion; the chat
    then scrolls to new messages without smooth scrolling (space.js reads the same query)."""
    ring = """() => { const bell = document.querySelector('.notification-bell'); bell.classList.add('ring');
                      const style = getComputedStyle(bell.querySelector('.bell-icon'));
                      return style.animationName === 'none' ? 0 : parseFloat(style.animationDuration); }"""
    moving = open_space(browser, hub_url, space, "kwame")
    assert moving.evaluate(ring) > 0
    still = open_space(browser, hub_url, space, "kwame", reduced_motion="reduce")
    assert still.evaluate(ring) == 0
    assert still.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")


# Contrast of a control's text and of its focus ring against what is behind it, in each state.
CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = (node) => {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const style = getComputedStyle(el);
  const ring = style.outlineStyle === "none" ? 0 : ratio(rgb(style.outlineColor), behind(el.parentElement));
  return { text: ratio(rgb(style.color), behind(el)), ring, ringWidth: parseFloat(style.outlineWidth) };
}"""

CONTROLS = [
    ".site-header nav a", ".site-header .account button", "#m60 .message-actions button[data-action=react]",
    "#m60 .message-actions button[data-action=reply]", "#m60 .seq", "#composer button[type=submit]",
    "#keyboard-help summary", "#m60",
]  # fmt: skip


def test_colour_contrast_holds_on_hover_focus_and_disabled(hub_url, space, browser):
    page = open_space(browser, hub_url, space, "amina")
    failures = []
    for selector in CONTROLS:
        control = page.locator(selector).first
        control.hover()
        hovered = control.evaluate(CONTRAST)
        failures += [f"{selector} hovered: text {hovered['text']:.2f}"] if hovered["text"] < 4.5 else []
        failures += [str(v) for v in run_axe(page, f"{selector} hovered", within=selector, rules=["color-contrast"])]
        page.mouse.move(0, 0)
        page.keyboard.press("Escape")
        control.evaluate("(el) => el.focus()")
        page.keyboard.press("Shift")  # keyboard modality: :focus-visible
        focused = control.evaluate(CONTRAST)
        if focused["ringWidth"] < 2 or focused["ring"] < 3:
            failures.append(f"{selector} focused: ring {focused['ringWidth']}px at {focused['ring']:.2f}:1")
        failures += [str(v) for v in run_axe(page, f"{selector} focused", within=selector, rules=["color-contrast"])]
    # Disabled: the Send button while a message cannot be sent.
    page.locator("#composer button[type=submit]").evaluate("(el) => { el.disabled = true; }")
    disabled = page.locator("#composer button[type=submit]").evaluate(CONTRAST)
    failures += [f"disabled send: text {disabled['text']:.2f}"] if disabled["text"] < 4.5 else []
    # An error shown: the composer's message.
    page.locator("#composer-error").evaluate("(el) => { el.textContent = 'You are muted in this space.'; }")
    failures += [str(v) for v in run_axe(page, "composer error", within="#composer", rules=["color-contrast"])]
    assert failures == []
