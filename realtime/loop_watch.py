"""Where a server process's event loop stalls: an optional record for the storms benchmark.

With ``HUB_LOOP_WATCH=<file>`` in its environment, a process notes, from its first socket on,
every time its event loop came back late to a task that asked to wake each millisecond (a stall:
a callback, a batch of them or a collection held the loop), and every pause of the cyclic garbage
collector (``gc.callbacks``), each with the CPU time the loop's thread spent in it. Both are
appended to the file as JSON lines, with CLOCK_MONOTONIC times, which every process on the machine
shares: ``bench.storms`` sets them against its quiet and storm windows, to say what held the loop
while a connected member's messages waited. Without the variable nothing runs.
"""

import asyncio
import gc
import json
import os
import time
from typing import Any

TICK_SECONDS = 0.001
STALL_SECONDS = 0.002  # a wake-up later than this is written down
FLUSH_SECONDS = 0.5

_started = False


def start_loop_watch() -> None:
    """Once per process, from inside its event loop (``ProcessFanout``'s first socket)."""
    global _started
    path = os.environ.get("HUB_LOOP_WATCH")
    if _started or not path:
        return
    _started = True
    watch = _LoopWatch(path)
    gc.callbacks.append(watch.on_gc)
    task = asyncio.get_running_loop().create_task(watch.run())
    _tasks.add(task)


_tasks: set[asyncio.Task[None]] = set()


class _LoopWatch:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[str] = []
        self._gc_started: float | None = None
        self._gc_cpu = 0.0

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.monotonic()
            self._gc_cpu = time.thread_time()
        elif self._gc_started is not None:
            wall, cpu = time.monotonic() - self._gc_started, time.thread_time() - self._gc_cpu
            self.lines.append(json.dumps({"gc": info["generation"], "at": self._gc_started, "s": wall, "cpu": cpu}))
            self._gc_started = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        flushed = loop.time()
        while True:
            asked, asked_cpu = time.monotonic(), time.thread_time()
            await asyncio.sleep(TICK_SECONDS)
            late = time.monotonic() - asked - TICK_SECONDS
            if late > STALL_SECONDS:
                # "cpu": what the loop's thread itself ran meanwhile; the rest of a stall is time
                # the process did not have its core (other processes, or the database thread
                # holding the interpreter's lock).
                cpu = time.thread_time() - asked_cpu
                self.lines.append(json.dumps({"stall": late, "cpu": cpu, "at": asked + TICK_SECONDS}))
            if loop.time() - flushed > FLUSH_SECONDS and self.lines:
                flushed = loop.time()
                self.flush()

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        if lines:
            with open(self.path, "a") as file:  # a few lines, twice a second: not worth a thread
                file.write("\n".join(lines) + "\n")
