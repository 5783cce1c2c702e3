"""Demo experts, resources and the Peer Review Roster for ``seed_demo`` (``--experts N --resources N``).

Registered from ``ExpertsConfig.ready()`` to run after the users (accounts, order 10): a few
profiles belong to demo users, resources are submitted by them, and a handful of them sit on the
roster. Every other profile has no account (an address at example.org), as staff keep them for
the people on an organization's roster. ``profiles`` makes the experts, ``resources`` the
library, from the phrase pools in ``words``.

``--experts 100000 --resources 5000`` took 55 s on PostgreSQL with the search trigger in place
(2 CPUs, otherwise idle; 81 to 100 s while other test suites ran beside it): profiles are
streamed to the server by one ``COPY`` (``experts.bulk``), so the trigger, which is most of the
server's 42 s, runs on them while the next ones are made (29 s of Python). Progress is reported
every ``BATCH_SIZE`` rows.
"""

import random
from collections.abc import Iterator

from accounts.demo import BATCH_SIZE
from accounts.models import User
from experts.demo.profiles import DEMO_EMAIL_DOMAIN, seed_profiles
from experts.demo.resources import seed_resources
from experts.demo.world import World
from experts.models import Expert, Reviewer, ReviewerApplication
from hub.demo import DemoCount, DemoOptions

EXPERTS = DemoCount("experts", 300, "How many expert profiles (a few belong to demo users).")
RESOURCES = DemoCount("resources", 200, "How many resources in the library (documents, practices, projects, ...).")
ROSTER_SIZE = 6
PENDING_APPLICATIONS = 2


def expert_steps(options: DemoOptions) -> int:
    return 1 + options.count(EXPERTS.name) + options.count(RESOURCES.name)


def seed_experts(rng: random.Random, options: DemoOptions) -> Iterator[int]:
    """Yields 1 for the roster, then a step per expert and per resource (``expert_steps``).

    Needs the taxonomy (migrations load it): without it there is nothing to tag with, and the
    part only reports its steps.
    """
    world = World.load()
    if not world.places:
        yield expert_steps(options)
        return
    users = list(User.objects.filter(is_staff=False).order_by("pk"))
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    roster = _seed_roster(rng, users, world)
    yield 1
    yield from seed_profiles(rng, options.count(EXPERTS.name), users, world, batch_size=BATCH_SIZE)
    yield from seed_resources(rng, options.count(RESOURCES.name), users, roster, staff, world, batch_size=BATCH_SIZE)


def demo_experts_exist() -> bool:
    return Expert.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()


def _seed_roster(rng: random.Random, users: list[User], world: World) -> list[User]:
    """A handful of demo users on the Peer Review Roster, and a couple of applications to decide."""
    chosen = rng.sample(users, k=min(len(users), ROSTER_SIZE + PENDING_APPLICATIONS))
    roster, applicants = chosen[:ROSTER_SIZE], chosen[ROSTER_SIZE:]
    Reviewer.objects.bulk_create(
        Reviewer(user=user, objectives=rng.sample(world.objectives, k=rng.randint(2, 5))) for user in roster
    )
    applications = []
    for user in applicants:
        first, second = rng.sample([key for key in world.objectives if key.isdigit()], k=2)
        motivation = (f"I have worked on objectives {first} and {second} for several years and would like to help "
                      "review the library's resources on them.")  # fmt: skip
        applications.append(ReviewerApplication(user=user, objectives=[first, second], motivation=motivation))
    ReviewerApplication.objects.bulk_create(applications)
    return roster
