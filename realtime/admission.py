"""While a crowd of sockets is being admitted, the garbage collector's full collections wait.

A full (generation 2) collection traverses every object the collector tracks and holds the event
loop for as long. During a storm of a thousand sockets the heap grows fast enough to trigger one
or two of them (the collector runs a full collection whenever the objects that survived younger
collections have grown by a quarter), and each was the longest stall of the storm: 40-130 ms
(``HUB_LOOP_WATCH``, ``bench.storms``), during which no message reached any connected member.

So each socket handshake marks the process as admitting (``admitting``: at its start, as it joins
its feed and as its ``hello`` is made): full collections are deferred (young ones still run, a few
milliseconds each) until no socket has arrived or been admitted for ``QUIET_SECONDS``, when the
collector's thresholds are given back. The deferred
collection then runs once, after the storm, where it would have run once or more during it. What
the deferral costs is memory: cyclic garbage made during the storm lives until then.
"""

import asyncio
import gc

from django.conf import settings

QUIET_SECONDS = 1.0
DEFERRED_THRESHOLD = 1_000_000  # younger collections before a full one: never, within a storm


def deferral_enabled() -> bool:
    """``REALTIME_DEFER_FULL_GC`` (on by default); off, full collections run when the collector decides."""
    return bool(getattr(settings, "REALTIME_DEFER_FULL_GC", True))


class _Deferral:
    def __init__(self) -> None:
        self.saved: tuple[int, int, int] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.last_mark = 0.0
        self.loop: asyncio.AbstractEventLoop | None = None

    def mark(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self.restore()  # a timer of another (ended) loop would never fire: start afresh
            self.loop = loop
        self.last_mark = loop.time()
        if self.saved is None:
            self.saved = gc.get_threshold()
            gc.set_threshold(self.saved[0], self.saved[1], DEFERRED_THRESHOLD)
        if self.timer is None:
            self.timer = loop.call_at(self.last_mark + QUIET_SECONDS, self._check)

    def _check(self) -> None:
        loop = asyncio.get_running_loop()
        due = self.last_mark + QUIET_SECONDS
        if loop.time() < due:
            self.timer = loop.call_at(due, self._check)  # a socket came meanwhile: wait on
            return
        self.timer = None
        self.restore()

    def restore(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None


_deferral = _Deferral()


def admitting() -> None:
    """A socket is arriving or being admitted: defer full collections until the crowd has passed."""
    if deferral_enabled():
        _deferral.mark()


def deferring() -> bool:
    """Whether full collections are being deferred now (tests)."""
    return _deferral.saved is not None


def stop_deferring() -> None:
    """Give the collector its thresholds back at once (tests, whose event loops end with them)."""
    _deferral.restore()
