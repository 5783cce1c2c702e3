"""Storms and the sockets already connected: a batch of handshakes wakes its sockets a few per turn
of the event loop, full garbage collections wait while a crowd is admitted, and the loop watch
that measures both."""

import asyncio
import gc
import json
import time

import pytest
from channels.db import database_sync_to_async as db

from discussions.models import Ban
from hub.errors import HubError
from realtime import admission
from realtime.fanout import handshake_release_max
from realtime.loop_watch import _LoopWatch
from realtime.write_batches import StreamWriteBatcher
from tests.discussions.conftest import member_of
from tests.discussions.test_storm_handshakes import _open
from tests.factories import UserFactory


async def _turns_at_wake_up(release_max: int | None, waiters: int) -> list[int]:
    """The loop turn (counted by a task that yields once per turn) in which each waiter woke."""
    turn = 0
    stop = False

    async def count_turns() -> None:
        nonlocal turn
        while not stop:
            turn += 1
            await asyncio.sleep(0)

    async def write(requests: list[int]) -> list[int | HubError]:
        return [request * 10 for request in requests]

    batcher: StreamWriteBatcher[int, int] = StreamWriteBatcher(write, batch_max=100, release_max=release_max)
    woke: list[tuple[int, int]] = []

    async def wait_for(request: int) -> None:
        woke.append((await batcher.submit(request), turn))

    counter = asyncio.ensure_future(count_turns())
    await asyncio.gather(*(wait_for(request) for request in range(waiters)))
    stop = True
    await counter
    assert [result for result, _turn in woke] == [request * 10 for request in range(waiters)]
    return [at for _result, at in woke]


async def test_a_batch_wakes_at_most_release_max_of_its_sockets_per_turn():
    turns = await _turns_at_wake_up(release_max=3, waiters=10)
    per_turn = {at: turns.count(at) for at in turns}
    assert max(per_turn.values()) <= 3
    assert len(per_turn) == 4  # 3 + 3 + 3 + 1, each group in a turn of its own, in order
    assert turns == sorted(turns)


async def test_without_release_max_a_batch_wakes_all_of_its_sockets_together():
    turns = await _turns_at_wake_up(release_max=None, waiters=10)
    assert len(set(turns)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
async def test_a_banned_user_in_a_crowd_released_two_per_turn_is_still_refused_alone(space, settings):
    settings.REALTIME_HANDSHAKE_RELEASE_MAX = 2
    assert handshake_release_max() == 2
    members = [await db(member_of)(space) for _ in range(7)]
    banned = members[4]
    await db(Ban.objects.create)(space=space, user=banned)
    outsider = await db(UserFactory.create)()  # not a member: a visitor of the public space
    answers = await asyncio.gather(*(_open(user, space.slug) for user in [*members, outsider]))
    assert answers[4] == 4403
    roles = [answer["role"] if isinstance(answer, dict) else answer for answer in answers]
    assert roles == ["member"] * 4 + [4403] + ["member"] * 2 + ["visitor"]


class FakeLoopTime:
    """``_Deferral``'s timer checks against the loop's time; the test moves that time by hand."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.now = loop.time()

    def __call__(self) -> float:
        return self.now


async def test_full_collections_wait_while_sockets_arrive_and_resume_once_they_stop(monkeypatch):
    assert admission.deferral_enabled()
    loop = asyncio.get_running_loop()
    clock = FakeLoopTime(loop)
    monkeypatch.setattr(loop, "time", clock)
    deferral = admission._Deferral()
    saved = gc.get_threshold()
    try:
        deferral.mark()
        assert gc.get_threshold() == (saved[0], saved[1], admission.DEFERRED_THRESHOLD)
        clock.now += admission.QUIET_SECONDS / 2
        deferral.mark()  # another socket: the quiet period starts again
        clock.now += admission.QUIET_SECONDS * 0.75
        deferral._check()
        assert gc.get_threshold()[2] == admission.DEFERRED_THRESHOLD  # half a second since the last one
        clock.now += admission.QUIET_SECONDS
        deferral._check()
        assert gc.get_threshold() == saved
        assert deferral.saved is None and deferral.timer is None
    finally:
        deferral.restore()
        gc.set_threshold(*saved)


async def test_an_arrival_on_a_new_event_loop_does_not_wait_for_a_timer_of_the_old_one():
    saved = gc.get_threshold()
    deferral = admission._Deferral()
    try:
        deferral.mark()
        deferral.loop = object()  # type: ignore[assignment]  # as if marked on a loop since closed
        old_timer = deferral.timer
        deferral.mark()
        assert old_timer is not None and old_timer.cancelled()
        assert deferral.timer is not old_timer and deferral.loop is asyncio.get_running_loop()
    finally:
        deferral.restore()
        gc.set_threshold(*saved)
    assert gc.get_threshold() == saved


async def test_the_loop_watch_writes_down_stalls_and_collections(tmp_path):
    path = tmp_path / "loop.jsonl"
    watch = _LoopWatch(str(path))
    task = asyncio.ensure_future(watch.run())
    gc.callbacks.append(watch.on_gc)
    try:
        await asyncio.sleep(0.01)
        time.sleep(0.03)  # holds the loop: the watch wakes late
        await asyncio.sleep(0.01)
        gc.collect(2)
        while not any("gc" in line for line in watch.lines):
            await asyncio.sleep(0.01)
        watch.flush()
    finally:
        gc.callbacks.remove(watch.on_gc)
        task.cancel()
    events = [json.loads(line) for line in path.read_text().splitlines()]
    stalls = [event for event in events if "stall" in event]
    assert stalls and max(event["stall"] for event in stalls) > 0.02
    assert any(event.get("gc") == 2 and event["s"] >= 0 for event in events)


async def test_with_the_deferral_off_arrivals_leave_the_collector_alone(settings):
    settings.REALTIME_DEFER_FULL_GC = False
    saved = gc.get_threshold()
    admission.admitting()
    assert gc.get_threshold() == saved and not admission.deferring()
