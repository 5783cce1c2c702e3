"""A Hub whose every user-controlled text is a payload of the XSS corpus (tests/security/xss_corpus.py).

Rows are written with the ORM, as if each text had passed the API's validation: the pages must be
safe whatever the database holds. Messages go through ``message_post`` (Markdown rendered and
cleaned by discussions/rendering.py), as the API and the socket store them. Each payload has its
own author (display name: the payload), space, expert, resource, event and notification, all
tagged with objective 1 so the objective's page shows them too.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from discussions.models import Membership, Space
from discussions.services.posting import message_post
from events.models import Event
from experts.models import Expert, Resource
from notifications.models import Notification
from tests.factories import UserFactory
from tests.security.xss_corpus import ONE_LINE_PAYLOADS, PAYLOADS

CHAT_SLUG = "hostile-chat"
OBJECTIVE = "1"


@dataclass
class HostileWorld:
    viewer: User
    chat: Space
    spaces: list[Space] = field(default_factory=list)
    experts: list[Expert] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    expert_emails: list[str] = field(default_factory=list)


def one_line(index: int) -> str:
    return ONE_LINE_PAYLOADS[index % len(ONE_LINE_PAYLOADS)]


def hostile_world_create(*, viewer: User | None = None) -> HostileWorld:
    viewer = viewer or UserFactory.create(username="viewer", is_staff=True)
    chat = Space.objects.create(slug=CHAT_SLUG, name=one_line(0), description=PAYLOADS[1], summary=PAYLOADS[2])
    Membership.objects.create(space=chat, user=viewer)
    world = HostileWorld(viewer=viewer, chat=chat)
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    for index, payload in enumerate(PAYLOADS):
        title = one_line(index)
        author = UserFactory.create(username=f"hostile{index}", display_name=title[:150])
        Membership.objects.create(space=chat, user=author)
        message_post(slug=CHAT_SLUG, author=author, body=payload)
        world.spaces.append(
            Space.objects.create(
                slug=f"hostile-{index}", name=title, description=payload, summary=payload, audience=title
            )
        )
        email = f"expert{index}@experts.example"
        world.expert_emails.append(email)
        world.experts.append(
            Expert.objects.create(
                name=title, title=title, organization=title, bio=payload, email=email, objectives=[OBJECTIVE],
                keywords=[title[:50]], verified=True,
            )
        )  # fmt: skip
        world.resources.append(
            Resource.objects.create(
                kind=Resource.Kind.DOCUMENT,
                title=title, summary=payload, organization=title, url=f"https://example.org/resource/{index}",
                status=Resource.Status.APPROVED, objectives=[OBJECTIVE], submitted_by=author,
            )
        )  # fmt: skip
        world.events.append(
            Event.objects.create(
                title=title, description=payload, location=title, online_url=f"https://meet.example.org/{index}",
                starts_at=start + dt.timedelta(hours=index), ends_at=start + dt.timedelta(hours=index + 1),
                status=Event.Status.PUBLISHED, published_at=timezone.now(), organizer=viewer,
                objectives=[OBJECTIVE],
            )
        )  # fmt: skip
        Notification.objects.create(
            recipient=viewer,
            kind=Notification.Kind.values[0],
            title=title,
            body=payload,
            url="/",
            source_key=f"x{index}",
        )
    return world
