"""At most ``ASKS_PER_DAY`` questions to experts per user in any 24 hours (``rate_limited``).

A question is a message that mentions at least one expert group, whatever the number of groups it
names. The limit is a sliding window, like the space's message rate limit: a slot frees when the
oldest question leaves the last 24 hours, and ``retry_after`` says when. Checked in the
transaction that posts the message, so a refused question stores nothing at all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import ngettext

from accounts.models import User
from experts.models import ExpertQuestion
from hub.errors import ErrorCode, HubError

ASKS_PER_DAY = 3
ASK_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class AskWindow:
    """One asker's questions in the last 24 hours: how many (up to the limit), and the oldest's time."""

    count: int
    oldest_at: datetime | None


def ask_windows_locked(*, asker_ids: set[int], now: datetime) -> dict[int, AskWindow]:
    """Each asker's window, their user rows locked until the transaction ends.

    Precondition: inside the posting transaction. The row locks order one asker's questions
    posted at once in different spaces (each space's lock orders only its own): each counts
    the window after the previous one committed. Locked in id order, so two batches never wait on
    each other in a cycle. Costs two queries; none is made for a batch that asks nothing.
    """
    if not asker_ids:
        return {}
    list(User.objects.select_for_update().filter(pk__in=asker_ids).order_by("pk").values_list("pk", flat=True))
    times: dict[int, list[datetime]] = {pk: [] for pk in asker_ids}
    recent = (
        ExpertQuestion.objects.filter(asker_id__in=asker_ids, created_at__gt=now - ASK_WINDOW)
        .order_by("created_at")
        .values_list("asker_id", "created_at")
    )
    for asker_id, created_at in recent:
        times[asker_id].append(created_at)
    return {pk: AskWindow(count=len(found), oldest_at=found[0] if found else None) for pk, found in times.items()}


def ask_refusal(window: AskWindow, *, asked_now: int, now: datetime) -> HubError | None:
    """The ``rate_limited`` error when the asker has no question left (``asked_now``: their
    questions accepted earlier in the same batch, all at ``now``), else None."""
    if window.count + asked_now < ASKS_PER_DAY:
        return None
    oldest = window.oldest_at or now
    wait = max(1, int((oldest + ASK_WINDOW - now).total_seconds() + 0.999))
    hours = max(1, round(wait / 3600))
    detail = ngettext(
        "You can ask the experts %(n)d questions a day; try again in %(hours)d hour.",
        "You can ask the experts %(n)d questions a day; try again in %(hours)d hours.",
        hours,
    ) % {"n": ASKS_PER_DAY, "hours": hours}
    return HubError(ErrorCode.RATE_LIMITED, detail, retry_after=wait)
