"""What the accessibility browser tests share: axe-core in the page, a served Hub with content on
every page, and logging in.

axe-core comes from the npm package ``axe-core`` (package.json, installed by ``scripts/ensure_axe.sh``
into node_modules/), never from a CDN: the tests inject its file into each page.
"""

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tests.e2e.processes import ROOT, services_env, start_uvicorn, stop
from tests.factories import PASSWORD, UserFactory

AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails a page: WCAG 2.2 A/AA and axe's best practices, at these impacts.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})
EXPECT_TIMEOUT = 10_000  # ms


def axe_source() -> str:
    if not AXE_FILE.exists():
        pytest.skip("axe-core is not installed (scripts/ensure_axe.sh installs it with npm)")
    return AXE_FILE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return f"{self.page}: {self.rule} ({self.impact}) on {len(self.targets)} node(s): {self.help} [{shown}]"


def run_axe(page: Any, name: str, *, within: str | None = None, rules: list[str] | None = None) -> list[Violation]:
    """axe-core's serious and critical violations on ``page`` as it is now (or inside ``within``)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no
        # inline scripts) does not govern: the page under test runs exactly as served.
        page.evaluate(axe_source())
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    else:
        options["runOnly"] = {"type": "tag", "values": AXE_TAGS}
        options["rules"] = {"target-size": {"enabled": True}}
    results = page.evaluate(
        "async ([within, options]) => await axe.run(within ? document.querySelector(within) : document, options)",
        [within, options],
    )
    return [
        Violation(
            page=name,
            rule=violation["id"],
            impact=violation["impact"],
            help=violation["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in violation["nodes"]),
        )
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def start_hub(tmp_path: Path) -> tuple[Any, str]:
    """A served Hub (DEBUG off) sharing the test's database, with pages that fail on purpose
    (``tests.hub.error_settings``: /test-errors/400/ …)."""
    env = services_env(HUB_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tests.hub.error_settings")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process, port = start_uvicorn(env, tmp_path / "uvicorn.log")
    return process, f"http://localhost:{port}"


def stop_hub(process: Any) -> None:
    stop(process)


def new_context(browser: Any, hub_url: str, language: str, **options: Any) -> Any:
    """A browser context whose language cookie (the switcher's) names ``language``."""
    context = browser.new_context(**options)
    context.add_cookies([{"name": "django_language", "value": language, "url": hub_url}])
    return context


def log_in(context: Any, hub_url: str, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")
    return page


@dataclass
class SeededHub:
    """Content behind every page type, and the paths of the pages that show it."""

    space_slug: str
    anonymous_pages: dict[str, str] = field(default_factory=dict)
    member_pages: dict[str, str] = field(default_factory=dict)  # as a member of the space, not staff
    staff_pages: dict[str, str] = field(default_factory=dict)  # as amina: staff, organizer, reviewer, moderator


MODERATOR = "amina"
MEMBER = "kwame"
CHAT_MESSAGES = 28
ARABIC_MESSAGE = 11  # the seq of the one message written in Arabic


def seed_hub() -> SeededHub:
    """Users, a space with a conversation, experts, resources under review, events and
    notifications: enough that every page shows each kind of thing it can show."""
    from discussions.models import Membership, Message
    from discussions.services.editing import message_delete, message_edit, message_pin
    from discussions.services.posting import message_post
    from discussions.services.reactions import reaction_set
    from discussions.services.spaces import space_create
    from events.models import Event, OrganizerGrant
    from experts.models import Reviewer, ReviewerApplication
    from experts.services.review import review_assign
    from notifications.models import Notification
    from notifications.services import notification_create
    from tests.events.factories import EventFactory
    from tests.experts.factories import ExpertFactory, ResourceFactory

    amina = UserFactory.create(username=MODERATOR, display_name="Amina Diallo", is_staff=True)
    kwame = UserFactory.create(username=MEMBER, display_name="Kwame Mensah")
    kofi = UserFactory.create(username="kofi", display_name="Kofi Boateng")
    OrganizerGrant.objects.create(user=amina)
    Reviewer.objects.create(user=amina, objectives=["9"])
    ReviewerApplication.objects.create(user=kofi, motivation="Ten years on smuggling cases.", objectives=["9"])

    space = space_create(creator=amina, slug="smuggling", name="Smuggling of migrants", objective="9",
                         description="How states cooperate against smuggling.")  # fmt: skip
    space_create(creator=amina, slug="closed-room", name="Closed room", visibility="private")
    Membership.objects.create(space=space, user=kwame)
    authors = [amina, kwame]
    messages: list[Message] = []
    for index in range(CHAT_MESSAGES):
        reply_to = messages[-2].seq if index % 5 == 4 else None
        body = f"Point {index + 1}: border cooperation **works** when @{MODERATOR} says so."
        if index == 3:
            body = "A list:\n\n- one\n- two\n\n> a quote\n\n`code` and a [link](https://www.example.org/)"
        if index == ARABIC_MESSAGE - 1:
            body = "التعاون عبر الحدود ينجح عندما تتفق الدول."
        topic = "Routes" if index % 7 == 0 else None
        posted = message_post(slug=space.slug, author=authors[index % 2], body=body, reply_to=reply_to, topic=topic)
        messages.append(posted.message)
    reaction_set(message_id=messages[0].pk, user=kwame, emoji="👍", present=True)
    reaction_set(message_id=messages[0].pk, user=amina, emoji="🎉", present=True)
    message_edit(message_id=messages[1].pk, user=kwame, body="Point 2, edited.")
    message_delete(message_id=messages[5].pk, user=amina)
    message_pin(message_id=messages[2].pk, user=amina)
    Membership.objects.filter(space=space, user=kwame).update(last_read_seq=CHAT_MESSAGES - 4)

    expert = ExpertFactory.create(name="Amina Diallo", user=amina, objectives=["9"], regions=["africa"],
                                  countries=["SN"], languages=["fr", "en"], keywords=["smuggling"])  # fmt: skip
    other_expert = ExpertFactory.create(name="Jonas Berg", objectives=["9", "10"], regions=["europe"])
    resource = ResourceFactory.create(objectives=["9"], submitted_by=kwame)
    submitted = ResourceFactory.create(title="Draft toolkit", status="submitted", submitted_by=kwame)
    ResourceFactory.create(title="Another draft", status="submitted", submitted_by=kwame)
    review_assign(staff=amina, resource_id=submitted.pk, usernames=[MODERATOR])

    start = (timezone.now() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    hours = dt.timedelta(hours=1)
    event = EventFactory.create(organizer=amina, objectives=["9"], starts_at=start, ends_at=start + 2 * hours,
                                capacity=30)  # fmt: skip
    EventFactory.create(organizer=amina, kind=Event.Kind.TRAINING, title="Training on the toolkit",
                        starts_at=start + 24 * hours, ends_at=start + 27 * hours)  # fmt: skip
    draft = EventFactory.create(organizer=amina, status=Event.Status.DRAFT, title="A draft webinar")
    with transaction.atomic():
        notification_create(recipient=amina, kind=Notification.Kind.MENTION, title="Kwame mentioned you",
                            body="Point 2, edited.", url=f"/spaces/{space.slug}/#m2", source_key="a11y:1",
                            email=False)  # fmt: skip
        notification_create(recipient=amina, kind=Notification.Kind.EVENT_ANNOUNCEMENT, title="A new event",
                            url=f"/events/{event.pk}/", source_key="a11y:2", email=False)  # fmt: skip

    public = {
        "home": "/",
        "objective index": "/objectives/",
        "objective 9": "/objectives/9/",
        "objective general": "/objectives/general/",
        "spaces": "/spaces/",
        "space": f"/spaces/{space.slug}/",
        "experts": "/experts/",
        "experts filtered": "/experts/?objective=9&region=africa",
        "expert profile": f"/experts/{expert.pk}/",
        "resources": "/resources/",
        "resources filtered": "/resources/?objective=9&kind=document",
        "resource": f"/resources/{resource.pk}/",
        "events agenda": "/events/",
        "events all": "/events/?upcoming=false",
        "events month": "/events/?view=month",
        "event": f"/events/{event.pk}/",
        "event invitation invalid": "/events/invitation/not-a-token/",
        "unsubscribe invalid": "/notifications/unsubscribe/not-a-token/",
        "contact opt-out invalid": "/experts/contact-opt-out/not-a-token/",
        "error 400": "/test-errors/400/",
        "error 403": "/test-errors/403/",
        "error 404": "/no-such-page/",
        "error 500": "/test-errors/500/",
        "private space": "/spaces/closed-room/",
    }
    anonymous = {**public, "login": "/accounts/login/", "register": "/accounts/register/"}
    member = {
        "spaces": "/spaces/",
        "space": f"/spaces/{space.slug}/",
        "roster application": "/review/apply/",
        "new expert profile": "/experts/new/",
        "review dashboard": "/review/",
        "resource submit": "/resources/submit/",
        "events month": "/events/?view=month",
        "notifications": "/notifications/",
    }
    staff = {
        **public,
        "resource submit": "/resources/submit/",
        "resource under review": f"/resources/{submitted.pk}/",
        "review dashboard": "/review/",
        "roster application": "/review/apply/",
        "expert edit": f"/experts/{expert.pk}/edit/",
        "other expert's profile": f"/experts/{other_expert.pk}/",
        "event new": "/events/new/",
        "event edit": f"/events/{event.pk}/edit/",
        "event invite": f"/events/{event.pk}/invite/",
        "event cancel": f"/events/{event.pk}/cancel/",
        "event draft": f"/events/{draft.pk}/",
        "my calendar": "/events/my-calendar/",
        "notifications": "/notifications/",
        "notification settings": "/notifications/settings/",
    }
    return SeededHub(space_slug=space.slug, anonymous_pages=anonymous, member_pages=member, staff_pages=staff)
