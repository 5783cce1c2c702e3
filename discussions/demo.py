"""Demo discussions for ``seed_demo``: members, moderators and conversations in objective spaces.

Registered from ``DiscussionsConfig.ready()``, to run after the users (``accounts.demo``).
"""

import random
from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from discussions.models import Membership, Message, Space, Topic
from discussions.rendering import render_markdown
from hub.demo import DemoOptions

SPACES_WITH_CONVERSATIONS = ["objective-9", "objective-10", "objective-6", "objective-23", "general"]
QUESTIONS = {
    "objective-9": (
        "Cooperation along routes",
        "Which **cross-border mechanisms** have helped you share information on smuggling networks?",
    ),
    "objective-10": (
        "Identifying victims",
        "How do first responders in your country tell smuggling and trafficking apart?",
    ),
    "objective-6": ("Fair recruitment", "What has worked to end recruitment fees charged to migrant workers?"),
    "objective-23": ("Regional reviews", "What should the next regional review of the GCM focus on?"),
    "general": ("Welcome", "Introduce yourself: who you are, and which objectives you work on."),
}
LINES = [
    "In our region the protocol on smuggling is ratified, but implementation at borders is uneven.",
    "We piloted joint investigation teams with two neighbouring states; intelligence sharing improved a lot.",
    "Data is the bottleneck: we still cannot **disaggregate by sex and age** at most crossing points.",
    "Civil society organisations should be part of the referral mechanism from the start.",
    "Has anyone evaluated the impact of information campaigns on irregular departures?",
    "Our ministry published guidance on distinguishing smuggled migrants from trafficking victims.",
    "Training for consular staff made a visible difference in how cases were referred.",
    "We need safe and regular pathways alongside enforcement, otherwise routes just shift.",
    "The toolkit from UNODC was very useful for our prosecutors: https://www.unodc.org",
    "Could we set up a working group on the financial side of smuggling networks?",
    "Remittance costs came up again in our consultation: still above the 3% SDG target.",
    "Thanks, this is helpful. Sharing it with our national coordination platform.",
    "Local authorities often see these cases first; they must be in the conversation.",
    "We translated the training material into French and Arabic; happy to share.",
]
REACTIONS = ["👍", "🙏", "💡", "🎉"]


def discussion_steps(options: DemoOptions) -> int:
    return len(SPACES_WITH_CONVERSATIONS)


def seed_discussions(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    """Yields once per space filled (``discussion_steps``)."""
    users = list(User.objects.filter(is_staff=False).order_by("pk"))
    if not users:
        return
    now = timezone.now()
    for slug in SPACES_WITH_CONVERSATIONS:
        space = Space.objects.filter(slug=slug).first()
        if space is None:
            continue
        members = rng.sample(users, k=min(len(users), rng.randint(8, 20)))
        Membership.objects.bulk_create(
            Membership(space=space, user=user, role=Membership.Role.MODERATOR if index == 0 else Membership.Role.MEMBER)
            for index, user in enumerate(members)
        )
        title, question = QUESTIONS[slug]
        topic = Topic.objects.create(space=space, name=title, is_question=True, body=question, created_by=members[0])
        count = rng.randint(12, 30)
        moment = now - timedelta(days=3)
        messages = []
        for seq in range(1, count + 1):
            moment += timedelta(minutes=rng.randint(5, 90))
            author = members[0] if seq == 1 else rng.choice(members)
            body = f"**{title}**\n\n{question}" if seq == 1 else rng.choice(LINES)
            if seq > 2 and rng.random() < 0.2:
                body = f"@{rng.choice(members).username} {body}"
            messages.append(
                Message(
                    space=space,
                    seq=seq,
                    author=author,
                    topic=topic,
                    body=body,
                    html=render_markdown(body),
                    reply_to_seq=rng.randint(1, seq - 1) if seq > 2 and rng.random() < 0.15 else None,
                    reactions={rng.choice(REACTIONS): rng.randint(1, 4)} if rng.random() < 0.3 else {},
                    created_at=moment,
                )
            )
        Message.objects.bulk_create(messages)
        Space.objects.filter(pk=space.pk).update(last_seq=count)
        yield 1  # one space done
