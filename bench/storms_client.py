"""One load-generator process of ``bench.storms``: a slice of a storm's sockets, or the probes.

Run by ``bench.storms`` with a JSON plan on argv[1]; talks JSON lines (marks on stdout, commands
on stdin). The sockets are picows connections (its WebSocket protocol is compiled, so a client
handshake or frame costs the generator a few microseconds, far less than it costs any server
measured here), on uvloop.

- ``storm``: at ``start_at`` (CLOCK_MONOTONIC, shared by every process on the machine) open every
  socket of the slice at once, each with its own token; a socket is done when it has its
  ``hello`` or, resuming (``after``), when it has every seq from ``after + 1`` to
  ``after + expect`` in order with no gap and no duplicate. Prints one ``result`` line, then
  holds the sockets open (idle) until told ``close``.
- ``probe``: members already in the room. Each sends in turn, ``rate`` messages a second in all,
  and every probe socket records each message's latency (sender's send to this receipt) with
  its send time, so that the driver can take the p99 of any window (quiet, during a storm).
"""

import asyncio
import contextlib
import json
import os
import resource
import sys
import time
from typing import Any

import orjson
from picows import WSListener, WSMsgType, WSTransport, ws_connect

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None  # type: ignore[assignment]  # (mypy types the name as the module)

HELLO_PREFIX = b'{"type":"hello"'


def emit(**fields: Any) -> None:
    sys.stdout.write(json.dumps({"t": time.monotonic(), **fields}) + "\n")
    sys.stdout.flush()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StormSocket(WSListener):
    """One storm socket and what it has seen."""

    def __init__(self, after: int | None, expect: int, done: asyncio.Event, counter: list[int]) -> None:
        super().__init__()
        self.after = after
        self.expect = expect
        self.next_seq = None if after is None else after + 1
        self.last_wanted = None if after is None else after + expect
        self.hello_at: float | None = None
        self.done_at: float | None = None
        self.hello_bytes = 0
        self.frames = 0
        self.order_errors = 0
        self.closed_with: int | None = None
        self.transport: WSTransport | None = None
        self._done = done
        self._counter = counter  # [sockets not yet done]

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport

    def _finish(self) -> None:
        if self.done_at is None:
            self.done_at = time.monotonic()
            self._counter[0] -= 1
            if self._counter[0] == 0:
                self._done.set()

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        if frame.msg_type == WSMsgType.CLOSE:
            self.closed_with = frame.get_close_code()
            transport.disconnect()
            return
        if frame.msg_type != WSMsgType.TEXT:
            return
        self.frames += 1
        data = frame.get_payload_as_bytes()
        if self.hello_at is None:
            if not data.startswith(HELLO_PREFIX):
                self.order_errors += 1
                return
            self.hello_at = time.monotonic()
            self.hello_bytes = len(data)
            if self.next_seq is None or self.expect == 0:
                self._finish()
            return
        if self.next_seq is None or self.done_at is not None:
            return
        if b'"message.new"' not in data[:40]:
            return
        seq = orjson.loads(data)["message"]["seq"]
        if seq != self.next_seq:
            self.order_errors += 1  # a gap, a duplicate or a reordering
            self.next_seq = max(self.next_seq, seq + 1)
            return
        self.next_seq += 1
        assert self.last_wanted is not None
        if seq >= self.last_wanted:
            self._finish()


async def storm(plan: dict[str, Any]) -> None:
    urls: list[str] = plan["urls"]
    tokens: list[str | None] = plan["tokens"]
    after: int | None = plan.get("after")
    expect: int = plan.get("expect", 0)
    query = f"?after={after}" if after is not None else ""
    done = asyncio.Event()
    counter = [len(tokens)]
    sockets = [StormSocket(after, expect, done, counter) for _ in tokens]
    failures: list[str] = []

    async def open_one(index: int) -> None:
        token = tokens[index]
        headers = {"Authorization": f"Token {token}"} if token else None
        try:
            await ws_connect(
                lambda: sockets[index],
                urls[(plan["first_index"] + index) % len(urls)] + query,
                extra_headers=headers,
                websocket_handshake_timeout=plan["timeout"],
                max_frame_size=2**24,
            )
        except Exception as error:
            failures.append(type(error).__name__)
            counter[0] -= 1
            if counter[0] == 0:
                done.set()

    emit(mark="ready")
    loop = asyncio.get_running_loop()
    start = json.loads(await loop.run_in_executor(None, sys.stdin.readline))["start_at"]
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    cpu_before = cpu_seconds()
    opening = [asyncio.ensure_future(open_one(index)) for index in range(len(sockets))]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), plan["timeout"])
    cpu = cpu_seconds() - cpu_before
    await asyncio.gather(*opening, return_exceptions=True)
    hellos = [s.hello_at - start for s in sockets if s.hello_at is not None]
    dones = [s.done_at - start for s in sockets if s.done_at is not None]
    emit(
        mark="result",
        sockets=len(sockets),
        failures=failures,
        closed=[s.closed_with for s in sockets if s.closed_with is not None],
        hellos=len(hellos),
        done=len(dones),
        hello_seconds=sorted(hellos),
        done_seconds=sorted(dones),
        order_errors=sum(s.order_errors for s in sockets),
        hello_bytes=sum(s.hello_bytes for s in sockets),
        frames=sum(s.frames for s in sockets),
        client_cpu=cpu,
    )
    # Held open, idle, until the driver has measured the server's memory.
    await loop.run_in_executor(None, sys.stdin.readline)
    for s in sockets:
        if s.transport is not None and not s.transport.is_disconnected:
            s.transport.send_close()
            s.transport.disconnect()
    emit(mark="closed")


class ProbeSocket(WSListener):
    """A member in the room during the storms: the latency of every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.transport: WSTransport | None = None
        self.hello = asyncio.get_event_loop().create_future()
        self.samples: list[tuple[int, int]] = []  # (sent_ns, latency_ns)
        self.last_seq = 0
        self.gaps = 0

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        if frame.msg_type != WSMsgType.TEXT:
            if frame.msg_type == WSMsgType.CLOSE and not self.hello.done():
                self.hello.set_exception(RuntimeError(f"closed {frame.get_close_code()}"))
            return
        now = time.monotonic_ns()
        data = frame.get_payload_as_bytes()
        if not self.hello.done():
            self.hello.set_result(orjson.loads(data))
            return
        if b'"message.new"' not in data[:40]:
            return
        message = orjson.loads(data)["message"]
        seq = message["seq"]
        if self.last_seq and seq != self.last_seq + 1:
            self.gaps += 1
        self.last_seq = seq
        body: str = message["body"]
        if body.startswith("p:"):
            sent_ns = int(body.rsplit(":", 1)[1])
            self.samples.append((sent_ns, now - sent_ns))


async def probe(plan: dict[str, Any]) -> None:
    urls: list[str] = plan["urls"]
    tokens: list[str | None] = plan["tokens"]
    sockets: list[ProbeSocket] = []
    for index, token in enumerate(tokens):
        headers = {"Authorization": f"Token {token}"} if token else None
        socket = ProbeSocket()
        await ws_connect(lambda s=socket: s, urls[index % len(urls)], extra_headers=headers, max_frame_size=2**24)
        await socket.hello
        sockets.append(socket)
    emit(mark="ready")
    stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    interval = 1.0 / plan["rate"]
    started = time.monotonic()
    tick = 0
    sent: list[int] = []
    while not stop.done():
        sender = sockets[tick % len(sockets)]
        sent.append(time.monotonic_ns())
        body = f"p:{tick}:{sent[-1]}"
        frame = {"type": "message.send", "body": body, "client_id": f"p{plan['run']}-{tick}"}
        assert sender.transport is not None
        sender.transport.send(WSMsgType.TEXT, orjson.dumps(frame))
        tick += 1
        await asyncio.sleep(max(0.0, started + tick * interval - time.monotonic()))
    await asyncio.sleep(plan.get("drain_seconds", 5.0))
    samples = [sample for socket in sockets for sample in socket.samples]
    # Every send time, so that a message some probe never received (by the end of the drain) counts
    # against the window it was sent in instead of vanishing from it.
    emit(mark="result", sent=tick, sent_ns=sent, probes=len(sockets), samples=samples,
         gaps=sum(socket.gaps for socket in sockets))  # fmt: skip
    for socket in sockets:
        if socket.transport is not None:
            socket.transport.send_close()
            socket.transport.disconnect()


def main() -> None:
    plan = json.loads(sys.argv[1])
    if cpus := plan.get("cpus"):
        os.sched_setaffinity(0, set(cpus))
    if plan.get("nice"):
        os.nice(plan["nice"])
    if uvloop is not None:
        uvloop.install()
    asyncio.run(storm(plan) if plan["role"] == "storm" else probe(plan))


if __name__ == "__main__":
    main()
