"""A chat session with the keyboard alone (Tab, Shift+Tab, arrows, Enter, Space, Escape and the
shortcuts documented on the page and in docs/a11y.md), in Chromium against a served Hub.

Kwame logs in, opens the space from the menu, sends a message, replies to Amina, reacts and edits
his message; Amina, a moderator, deletes one of his messages and mutes him from the same toolbar.
The mouse is never used: every step is a key press, and every element that receives focus is
checked to show a visible focus ring that nothing covers (WCAG 2.4.7, 2.4.11). Messages arriving
meanwhile never move the reader's focus, and Tab walks out of every part of the page (no trap).
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.db import connection

from accounts.models import User
from discussions.models import Membership, Message, Mute, Space
from discussions.services.posting import message_post
from discussions.services.spaces import space_create
from tests.e2e.a11y_support import EXPECT_TIMEOUT, start_hub, stop_hub
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120

# What has focus, whether its focus ring shows, and whether it is the topmost element at its centre.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: "body", id: "", action: null, emoji: null };
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const first = el.getClientRects()[0] || box;  // a link that wraps: its first line box
  const x = Math.min(Math.max(first.left + first.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(first.top + Math.min(first.height, 40) / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, action: el.dataset.action || null, emoji: el.dataset.emoji || null,
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inView: box.bottom > 0 && box.top < innerHeight,
    uncovered: !!top && (el === top || el.contains(top) || top.contains(el) && top === el.closest("label")),
  };
}"""


@dataclass
class Keyboard:
    """Key presses on one page, each checked for a visible, uncovered focus."""

    page: object

    def focus(self) -> dict:
        return self.page.evaluate(FOCUS_STATE)  # type: ignore[attr-defined]

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)  # type: ignore[attr-defined]
        state = self.focus()
        if state["tag"] != "body":
            assert state["ring"], f"no visible focus after {key}: {state}"
            assert state["inView"] and state["uncovered"], f"focus hidden after {key}: {state}"
        return state

    def follow(self, key: str = "Enter") -> None:
        """A key press that loads another page (a link, a form sent)."""
        with self.page.expect_navigation():  # type: ignore[attr-defined]
            self.page.keyboard.press(key)  # type: ignore[attr-defined]

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)  # type: ignore[attr-defined]

    def tab_to(self, selector: str, *, backwards: bool = False) -> dict:
        """Tab (or Shift+Tab) until the element matching ``selector`` has focus."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            state = self.press(key)
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):  # type: ignore[attr-defined]
                return state
        raise AssertionError(f"{key} never reached {selector}")

    def focused_matches(self, selector: str) -> bool:
        return bool(self.page.evaluate("(s) => document.activeElement.matches(s)", selector))  # type: ignore[attr-defined]

    def to_message(self, seq: int) -> dict:
        """In the log: up or down the messages until #``seq``."""
        for _ in range(MAX_TABS):
            shown = self.focus()["id"]
            if shown == f"m{seq}":
                return self.focus()
            self.press("ArrowUp" if int(shown.removeprefix("m")) > seq else "ArrowDown")
        raise AssertionError(f"the arrow keys never reached message #{seq}")

    def to_action(self, action: str) -> dict:
        """In a message's toolbar: the arrow key of the reading direction until ``action``."""
        forward = "ArrowLeft" if self.page.evaluate("document.dir") == "rtl" else "ArrowRight"  # type: ignore[attr-defined]
        for _ in range(12):
            if self.focus()["action"] == action:
                return self.focus()
            self.press(forward)
        raise AssertionError(f"no {action} in the toolbar")


@pytest.fixture
def chat(taxonomy):
    amina = UserFactory.create(username="amina", display_name="Amina Diallo", is_staff=True)
    kwame = UserFactory.create(username="kwame", display_name="Kwame Mensah")
    space = space_create(creator=amina, slug="returns", name="Safe returns", objective="21")
    Membership.objects.create(space=space, user=kwame)
    for number in range(1, 7):
        message_post(slug=space.slug, author=amina if number % 2 else kwame, body=f"Earlier point {number}.")
    return space


@pytest.fixture
def hub_url(tmp_path, chat):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


def log_in_by_keyboard(browser, hub_url: str, username: str):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    keys = Keyboard(page)
    page.goto(f"{hub_url}/")
    keys.tab_to("a[href='/accounts/login/']")
    keys.follow()
    page.wait_for_url(f"{hub_url}/accounts/login/")
    keys.tab_to("#id_username")
    keys.type(username)
    keys.press("Tab")
    assert keys.focused_matches("#id_password")
    keys.type(PASSWORD)
    keys.follow()
    page.wait_for_url(f"{hub_url}/")
    return page, keys


def open_space_by_keyboard(page, keys: Keyboard, hub_url: str, space: Space) -> None:
    keys.tab_to("nav a[href='/spaces/']")
    keys.follow()
    page.wait_for_url(f"{hub_url}/spaces/")
    keys.tab_to(f"a[href='/spaces/{space.slug}/']")
    keys.follow()
    page.wait_for_url(f"{hub_url}/spaces/{space.slug}/")
    page.wait_for_selector("#online li:not(.empty)", timeout=EXPECT_TIMEOUT)


def post_from_another_thread(space: Space, author: User, body: str) -> None:
    """A message posted as the server would: committed, then published to the space's sockets.
    (Publishing needs a thread without an event loop; Playwright's runs in the test's.)"""

    def post() -> None:
        try:
            message_post(slug=space.slug, author=author, body=body)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(post).result()


def test_a_chat_session_with_the_keyboard_alone(hub_url, chat, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    space = chat
    page, keys = log_in_by_keyboard(browser, hub_url, "kwame")
    open_space_by_keyboard(page, keys, hub_url, space)

    # Send: Tab reaches the log once (its newest message), then that message's links and toolbar,
    # then the message box.
    assert keys.tab_to("li.message")["id"] == "m6"  # the newest message
    keys.tab_to("#composer-body")
    keys.type("Returns must be **voluntary**.")
    keys.press("Enter")
    mine = page.locator("#m7")
    expect(mine).to_contain_text("Kwame Mensah")
    expect(mine.locator(".body")).to_have_text("Returns must be voluntary.")
    assert keys.focused_matches("#composer-body")  # still there for the next message

    # Reply to Amina's message #5: back into the log, up two messages, the toolbar's Reply.
    keys.tab_to("li.message", backwards=True)
    assert keys.focus()["id"] == "m7"
    keys.to_message(5)
    keys.tab_to("#m5 .message-actions button")
    keys.to_action("reply")
    keys.press("Enter")
    assert keys.focused_matches("#composer-body")
    expect(page.locator("#replying")).to_contain_text("#5")
    keys.type("Agreed, and reintegration too.")
    keys.press("Enter")
    expect(page.locator("#m8 .reply-ref")).to_have_attribute("href", "#m5")
    assert Message.objects.get(space=space, seq=8).reply_to_seq == 5

    # A reply can be cancelled with Escape, focus staying in the message box.
    assert keys.tab_to("li.message", backwards=True)["id"] == "m8"  # the tab stop followed the newest
    keys.to_message(7)
    keys.press("r")  # the documented shortcut on a message
    expect(page.locator("#replying")).to_be_visible()
    keys.press("Escape")
    expect(page.locator("#replying")).to_be_hidden()
    assert keys.focused_matches("#composer-body")

    # React to message #5 with the toolbar's first button (Space), focus staying on it.
    keys.tab_to("li.message", backwards=True)
    keys.to_message(5)
    keys.tab_to("#m5 .message-actions button")
    assert keys.focus()["action"] == "reply"  # the toolbar remembers where the reader was in it
    assert keys.to_action("react")["emoji"] == "👍"  # after the last action, the first
    keys.press("Space")
    expect(page.locator("#m5 .reactions")).to_have_text("👍 1")
    assert keys.focus()["action"] == "react" and keys.focused_matches("#m5 button")
    keys.press("Escape")  # from the toolbar back to the message
    assert keys.focus()["id"] == "m5"

    # Edit in place with E: Enter saves, focus comes back to the message. #6 came with the page,
    # #7 live: both are edited from their Markdown.
    keys.press("End")
    assert keys.focus()["id"] == "m8"
    edits = [
        (6, "Earlier point 6.", "Point 6, *revised*."),
        (7, "Returns must be **voluntary**.", "Returns must be voluntary, safe and dignified."),
    ]
    for seq, old, new in edits:
        keys.to_message(seq)
        keys.press("e")
        editor = page.locator(f"#m{seq} .edit-form textarea")
        expect(editor).to_be_focused()
        expect(editor).to_have_value(old)
        keys.press("ControlOrMeta+a")
        keys.type(new)
        keys.press("Enter")
        expect(page.locator(f"#m{seq} .edited")).to_be_visible()
        assert keys.focus()["id"] == f"m{seq}"
        assert Message.objects.get(space=space, seq=seq).body == new
    expect(page.locator("#m6 .body em")).to_have_text("revised")
    # Escape leaves an edit unchanged, focus back on the Edit button.
    keys.press("e")
    keys.press("Escape")
    assert keys.focus()["action"] == "edit"
    expect(page.locator("#m7 .edit-form")).to_have_count(0)

    # Amina moderates with the keyboard: deletes #7 from its toolbar, then mutes Kwame.
    amina, amina_keys = log_in_by_keyboard(browser, hub_url, "amina")
    open_space_by_keyboard(amina, amina_keys, hub_url, space)
    amina_keys.tab_to("li.message")
    amina_keys.to_message(7)
    amina_keys.tab_to("#m7 .message-actions button")
    amina_keys.to_action("delete")
    amina_keys.press("Enter")
    expect(amina.locator("#m7 .body")).to_have_text("This message was deleted.")
    expect(page.locator("#m7 .body")).to_have_text("This message was deleted.")
    assert amina_keys.focus()["id"] == "m7", "focus was lost with the deleted message's toolbar"
    assert Message.objects.get(space=space, seq=7).deleted

    amina_keys.to_message(6)
    amina_keys.tab_to("#m6 .message-actions button")
    amina_keys.to_action("moderate")
    amina_keys.press("Enter")
    assert amina_keys.focused_matches("#mod-username")
    assert amina.input_value("#mod-username") == "kwame"
    amina_keys.press("Tab")
    amina_keys.type("Off topic, repeatedly.")
    amina_keys.tab_to("#mod-user button[value=mutes]")
    amina_keys.press("Enter")
    expect(amina.locator("#mod-error")).to_contain_text("kwame")
    mute = Mute.objects.get(space=space, user__username="kwame")
    assert mute.reason == "Off topic, repeatedly."


def test_arriving_messages_never_take_or_hide_the_focus(hub_url, chat, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    space = chat
    page, keys = log_in_by_keyboard(browser, hub_url, "kwame")
    open_space_by_keyboard(page, keys, hub_url, space)
    keys.tab_to("li.message")
    keys.press("Home")
    assert keys.focus()["id"] == "m1"
    keys.tab_to("#m1 .message-actions button")
    before = page.evaluate("window.scrollY")
    amina = User.objects.get(username="amina")
    for number in range(3):
        post_from_another_thread(space, amina, f"Live point {number}.")
    expect(page.locator("#m9")).to_contain_text("Live point 2.")
    state = keys.focus()
    assert state["action"] == "react" and keys.focused_matches("#m1 .message-actions button"), state
    assert page.evaluate("window.scrollY") == before, "the page scrolled away from the focused message"
    # The new messages wait in the log, out of the tab order but for the one being read.
    assert page.locator("#message-list li[tabindex='0']").count() == 1


def test_tab_walks_out_of_every_part_of_the_space_page(hub_url, chat, browser):
    """No keyboard trap: Tab from the top reaches the footer's last link, Shift+Tab the skip link."""
    page, keys = log_in_by_keyboard(browser, hub_url, "amina")
    open_space_by_keyboard(page, keys, hub_url, chat)
    page.evaluate("document.activeElement.blur()")
    seen = []
    for _ in range(MAX_TABS):
        state = keys.press("Tab")
        seen.append(state.get("id") or state.get("action") or state["tag"])
        if keys.focused_matches("footer a[href='/api/docs/']"):
            break
    else:
        raise AssertionError(f"Tab never left the page's parts: {seen}")
    assert {"m6", "composer-body", "mod-username", "language"} <= set(seen), seen
    for _ in range(MAX_TABS):
        keys.press("Shift+Tab")
        if keys.focused_matches(".skip-link"):
            break
    else:
        raise AssertionError("Shift+Tab never reached the top of the page")


def test_the_language_is_chosen_with_the_keyboard(hub_url, chat, browser):
    """Arrow keys on the language picker only move the choice (no page reloads at each step, WCAG
    3.2.2); its button, back in view, changes the language."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    keys = Keyboard(page)
    page.goto(f"{hub_url}/objectives/")
    keys.tab_to("#language")
    assert page.input_value("#language") == "en"
    keys.press("ArrowUp")  # 中文
    keys.press("ArrowUp")  # العربية
    assert page.input_value("#language") == "ar"
    assert page.url == f"{hub_url}/objectives/" and page.locator("html").get_attribute("lang") == "en"
    keys.press("Tab")
    assert keys.focused_matches(".language-picker button")
    keys.follow("Enter")
    page.wait_for_load_state()
    assert page.url == f"{hub_url}/objectives/"
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("ar", "rtl")
