"""The digest's sections per followed objective, contributed by the apps that own the content.

The daily digest (``notifications.digest``) groups what happened since a user's previous digest
by the objectives they follow (their ``Subscription.objectives``). Notifications knows nothing of
resources, events, spaces or questions: each of those apps registers a section here, from a
module of its own named ``digest`` (``experts/digest.py``, ``events/digest.py``, ...), which
``NotificationsConfig.ready()`` imports with ``autodiscover_modules("digest")``; an app may also
call ``register_digest_section`` from its own ``ready()``.

A section's provider is set-based: it gets a whole batch of readers (up to
``NOTIFICATION_EMAIL_CHUNK`` users) and answers for all of them with a bounded number of
queries, never one per user (digests go to many users; ``tests/notifications/test_digest_queries.py``
checks that two batch sizes cost the same number of queries). It returns, per (user id, objective
key), the items to list, best first; ``notifications.digest`` keeps the first
``DIGEST_ITEMS_PER_SECTION`` of each and leaves out objectives and digests with nothing in them.

Providers must leave out what a reader may not see (a private space they are not a member of,
a draft event) and, where the app knows it, what the reader already read.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise

DIGEST_ITEMS_PER_SECTION = 5


@dataclass(frozen=True)
class DigestReader:
    """One recipient of a digest in the batch: the objectives they follow, and since when."""

    user_id: int
    objectives: frozenset[str]  # objective keys ("1".."23", "general")
    since: datetime  # the end of what their previous digest covered (at most a few days back)


@dataclass(frozen=True)
class DigestBatch:
    """The readers of one batch; every digest in it covers up to ``until`` (the claim's moment)."""

    readers: Mapping[int, DigestReader]
    until: datetime

    @property
    def user_ids(self) -> list[int]:
        return sorted(self.readers)

    @property
    def objectives(self) -> set[str]:
        """Every objective some reader of the batch follows."""
        return {key for reader in self.readers.values() for key in reader.objectives}

    @property
    def earliest(self) -> datetime:
        """The oldest ``since`` of the batch: one query from it covers every reader's period."""
        return min((reader.since for reader in self.readers.values()), default=self.until)

    def followers(self, objective_keys: Collection[str]) -> list[DigestReader]:
        """The readers who follow at least one of ``objective_keys``."""
        keys = set(objective_keys)
        return [reader for reader in self.readers.values() if reader.objectives & keys]


@dataclass(frozen=True)
class DigestItem:
    """One line of a section: a title linking to the Hub, and an optional detail line.

    ``title`` is content (a resource's, an event's or a space's name: shown as written).
    ``detail`` may be a lazy translation with ``%(name)s`` placeholders filled from ``params``
    (``ngettext_lazy(..., "count")`` for plurals); it is rendered in the reader's language when the
    email is built. ``when``, if given, is shown in the reader's time zone.
    """

    title: str
    url: str  # a path on the Hub ("/events/12/")
    detail: str | Promise = ""
    params: Mapping[str, object] = field(default_factory=dict)
    when: datetime | None = None


SectionItems = Mapping[tuple[int, str], Sequence[DigestItem]]
"""(user id, objective key) -> the items for that reader under that objective, best first."""

DigestProvider = Callable[[DigestBatch], SectionItems]


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str | Promise  # a lazy translation: the section's heading in each reader's language
    provider: DigestProvider
    order: int


_sections: dict[str, DigestSection] = {}


def register_digest_section(key: str, *, title: str | Promise, provider: DigestProvider, order: int) -> None:
    """Add (or replace: ``ready()`` may run more than once in tests) the section named ``key``."""
    _sections[key] = DigestSection(key=key, title=title, provider=provider, order=order)


def digest_sections() -> list[DigestSection]:
    """The registered sections, in the order they appear under each objective."""
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
