"""The load generator: N clients in one space (room), some of them senders; one process, uvloop.

Run by ``bench.run`` with a JSON plan on argv[1]; prints one JSON line per phase mark and a
final line with what every client saw. Each message carries its sender, a per-sender counter and
the send time (CLOCK_MONOTONIC, shared by all processes on the machine), so that every client
can measure latency and detect loss, duplicates and reordering.
"""

import asyncio
import json
import os
import resource
import sys
import time
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None  # type: ignore[assignment]  # (mypy types the name as the module)


def emit(**fields: Any) -> None:
    print(json.dumps({"t": time.monotonic(), **fields}), flush=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Client:
    """One connected socket and what it has seen."""

    def __init__(self, index: int, kind: str) -> None:
        self.index = index
        self.kind = kind
        self.last_counter: dict[int, int] = {}
        self.received = 0
        self.duplicates_or_reorders = 0
        self.seq_gaps = 0
        self.last_seq = 0
        self.latencies_ns: list[int] = []
        self.socket: ClientConnection | None = None
        self.done = asyncio.Event()
        self.expected = 0
        self.last_received_at = 0.0

    def payload_of(self, text: str) -> str | None:
        if self.kind == "limit":
            return text
        frame = orjson.loads(text)
        if self.kind == "peer":
            message: str = frame["message"]
            return message
        if frame.get("type") != "message.new":
            return None
        seq = frame["message"]["seq"]
        if self.last_seq and seq != self.last_seq + 1:
            self.seq_gaps += 1
        self.last_seq = seq
        body: str = frame["message"]["body"]
        return body

    def on_text(self, text: str, now_ns: int) -> None:
        payload = self.payload_of(text)
        if payload is None:
            return
        sender, counter, sent_ns = (int(part) for part in payload.split(":"))
        if counter <= self.last_counter.get(sender, -1):
            self.duplicates_or_reorders += 1
        self.last_counter[sender] = counter
        self.received += 1
        self.last_received_at = now_ns / 1e9
        self.latencies_ns.append(now_ns - sent_ns)
        if self.received >= self.expected:
            self.done.set()


def frame_for(kind: str, payload: str, client_id: str) -> str:
    if kind == "hub":
        return orjson.dumps({"type": "message.send", "body": payload, "client_id": client_id}).decode()
    if kind == "peer":
        return orjson.dumps({"message": payload}).decode()
    return payload


async def connect(plan: dict[str, Any], client: Client, url: str, token: str | None) -> None:
    headers = {"Authorization": f"Token {token}"} if token else None
    client.socket = socket = await websockets.connect(
        url, additional_headers=headers, max_size=2**22, ping_interval=None, max_queue=None, compression=None
    )
    if plan["kind"] == "hub":
        hello = orjson.loads(await socket.recv())
        assert hello["type"] == "hello", hello
        client.last_seq = hello["last_seq"]


async def read_forever(client: Client) -> None:
    monotonic_ns = time.monotonic_ns
    assert client.socket is not None  # connected before any reader starts
    async for text in client.socket:  # the servers send text frames
        client.on_text(text if isinstance(text, str) else text.decode(), monotonic_ns())


async def main(plan: dict[str, Any]) -> None:
    kind, urls, tokens = plan["kind"], plan["urls"], plan.get("tokens") or []
    clients = [Client(index, kind) for index in range(plan["n"])]
    limit = asyncio.Semaphore(50)

    async def connect_one(client: Client) -> None:
        async with limit:
            token = tokens[client.index] if tokens else None
            await connect(plan, client, urls[client.index % len(urls)], token)

    await asyncio.gather(*(connect_one(client) for client in clients))
    readers = [asyncio.ensure_future(read_forever(client)) for client in clients]
    await asyncio.sleep(plan.get("settle", 1.0))
    emit(mark="connected", n=len(clients))

    if plan.get("idle_seconds"):
        emit(mark="idle_start")
        await asyncio.sleep(plan["idle_seconds"])
        emit(mark="idle_end")

    counters: dict[int, int] = {}
    sent_total = 0

    async def send(sender_index: int) -> None:
        nonlocal sent_total
        counter = counters.get(sender_index, 0)
        counters[sender_index] = counter + 1
        payload = f"{sender_index}:{counter}:{time.monotonic_ns()}"
        socket = clients[sender_index].socket
        assert socket is not None  # every client connected first
        await socket.send(frame_for(kind, payload, f"b{sender_index}-{counter}"))
        sent_total += 1

    async def wait_delivered(total: int, stall_seconds: float) -> bool:
        """Until every client has ``total`` messages, or deliveries stop for ``stall_seconds``, or
        the give-up time has passed (what is missing then counts as lost): ``give_up_seconds``,
        or longer where the deliveries still due would take more than that at 30,000 a second."""
        due = sum(max(0, total - client.received) for client in clients)
        deadline = time.monotonic() + max(plan.get("give_up_seconds", 10.0), due / 30_000)
        for client in clients:
            client.expected = total
            if client.received >= total:
                client.done.set()
            else:
                client.done.clear()
        all_done = asyncio.ensure_future(asyncio.gather(*(client.done.wait() for client in clients)))
        seen = -1
        while not all_done.done():
            now_seen = sum(client.received for client in clients)
            if now_seen == seen or time.monotonic() >= deadline:
                all_done.cancel()
                await asyncio.gather(all_done, return_exceptions=True)
                return False
            seen = now_seen
            await asyncio.wait([all_done], timeout=min(stall_seconds, max(0.0, deadline - time.monotonic())))
        return True

    # Steady: a fixed total rate spread over the steady senders, for latency.
    steady = plan["steady"]
    steady_senders = list(range(steady["senders"]))
    # Warm-up, not timed: a server's first messages pay one-off costs (connections, caches),
    # which would otherwise be the steady phase's p99.
    for sender in steady_senders:
        await send(sender)
    await wait_delivered(sent_total, stall_seconds=3)
    interval = 1.0 / steady["rate"]
    for client in clients:
        client.latencies_ns.clear()
    emit(mark="steady_start")
    started = time.monotonic()
    tick = 0
    while time.monotonic() - started < steady["seconds"]:
        await send(steady_senders[tick % len(steady_senders)])
        tick += 1
        await asyncio.sleep(max(0.0, started + tick * interval - time.monotonic()))
    complete = await wait_delivered(sent_total, stall_seconds=3)
    emit(mark="steady_end", sent=sent_total, complete=complete)
    steady_latencies = [latency for client in clients for latency in client.latencies_ns]
    steady_expected = (sent_total - len(steady_senders)) * len(clients)
    steady_received = sum(client.received for client in clients)

    # Burst: other senders (each within the per-user rate limit) send at once, for throughput.
    burst = plan["burst"]
    burst_senders = list(range(steady["senders"], steady["senders"] + burst["senders"]))
    before = sent_total
    client_cpu = cpu_seconds()
    emit(mark="burst_start")
    burst_started = time.monotonic()
    await asyncio.gather(*(send(sender) for _ in range(burst["per_sender"]) for sender in burst_senders))
    complete = await wait_delivered(sent_total, stall_seconds=3)
    # Until the last delivery, not the end of the wait (a lossy server would look slower than it is).
    burst_seconds = max(client.last_received_at for client in clients) - burst_started
    emit(
        mark="burst_end",
        sent=sent_total - before,
        complete=complete,
        seconds=burst_seconds,
        client_cpu=cpu_seconds() - client_cpu,
    )

    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(client.socket.close() for client in clients if client.socket), return_exceptions=True)
    steady_latencies.sort()
    received = sum(client.received for client in clients)
    expected = sent_total * len(clients)
    emit(
        mark="result",
        sent=sent_total,
        expected_deliveries=expected,
        delivered=received,
        lost=max(0, expected - received),
        duplicates_or_reorders=sum(client.duplicates_or_reorders for client in clients),
        seq_gaps=sum(client.seq_gaps for client in clients),
        steady_deliveries=steady_received,
        steady_p50_ms=_percentile(steady_latencies, 0.50, steady_expected),
        steady_p99_ms=_percentile(steady_latencies, 0.99, steady_expected),
        burst_deliveries=received - steady_received,
    )


def _percentile(sorted_ns: list[int], q: float, expected: int) -> float | None:
    """Over every expected delivery, a missing one counting as slower than all: ``None`` when
    the percentile falls among the missing."""
    index = int(q * expected)
    if index >= len(sorted_ns):
        return None
    return round(sorted_ns[index] / 1e6, 2)


if __name__ == "__main__":
    if uvloop is not None:
        uvloop.install()
    if plan_cpu := os.environ.get("BENCH_CLIENT_CPU"):
        os.sched_setaffinity(0, {int(plan_cpu)})
    asyncio.run(main(json.loads(sys.argv[1])))
