"""``make bench-storms``: connection and reconnection storms on real Hub processes, beside a bare
``websockets`` server in the same run.

For each server and each N (250, 500, 1,000, 2,000; ``--quick``: 250 and 1,000), on a fresh server:

1. 100 messages are posted (10 filler members), then ``--probes`` members connect and post in turn,
   ``--rate`` messages a second in all, for the whole run: the room is alive. Their latencies
   over the quiet seconds before the first storm are the quiet p99.
2. **Connect storm**: N sockets open at once, each with its own token; the time until every one
   has its ``hello``. Then, with the N sockets idle, the server's RSS growth per socket.
3. **Resume storm**: the N sockets close; N open at once with ``?after=`` 100 messages behind the
   space's newest; the time until every one has all 100, in order, with no gap or duplicate.
4. The probes' p99 over the messages sent during each storm, against the quiet p99 of the window
   just before it (the quiet room is measured again before the resume storm); beside it, the p99
   with the N sockets connected and idle (the same room, no storm), the server's CPU per window
   and, for the quiet windows, how long its loop waited for its core. Messages a probe never
   received count as the slowest.

Servers are started as ``bench.run`` starts them (``python -m config.serve``, DEBUG=0, pinned to
CPU 0); the load generator (``bench/storms_client.py``: picows, ``--client-procs`` processes, each
a slice of the storm) is pinned to the other CPUs, with the probes at a higher priority. A storm
whose generator processes together used more than 85 % of their CPUs is marked client-bound: its
time is a ceiling for the server's, not the server's own. ``--profile`` runs py-spy on the (first)
Hub process during each storm and writes where its time went; ``--loop-watch`` has the Hub record
its event loop's stalls and garbage-collector pauses (``realtime.loop_watch``), summed per window.

Results: ``bench/results/storms.json`` (``storms-quick.json``), plots ``docs/img/bench-storms*.png``.
Uses ``bench.run``'s database and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL).
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import websockets

from bench.report import median_storm_rows, plot_storms, print_storm_table, storm_target_lines
from bench.run import (
    PYTHON,
    RESULTS,
    ROOT,
    SERVER_CPU,
    Servers,
    ensure_database,
    free_port,
    hub_env,
    hub_server,
    pin,
    prepare_hub,
    wait_http,
    wait_port,
)

BEHIND = 100  # messages each resuming socket has to catch up on
FILLERS = 10  # members who post those first messages, 10 each (within the rate limit)
SIZES = [250, 500, 1000, 2000]
QUICK_SIZES = [250, 1000]


def prepare_tokens(count: int) -> list[str]:
    """``bench.run.prepare_hub``, tried again once: on a loaded machine the previous run's server
    can still hold its connections while this one deletes the messages."""
    try:
        return prepare_hub(count)
    except subprocess.CalledProcessError as error:
        print(f"prepare_hub failed, trying again: {(error.stderr or '')[-2000:]}", file=sys.stderr)
        time.sleep(3)
        return prepare_hub(count)


def client_cpus() -> list[int]:
    count = os.cpu_count() or 1
    return [cpu for cpu in range(count) if cpu != SERVER_CPU] or [0]


def start_servers(name: str, env_extra: dict[str, str], nice: int = 0) -> Servers:
    if name.startswith("hub"):
        count = 2 if name == "hub-2proc" else 1
        ports = [free_port() for _ in range(count)]
        env = {**hub_env(), **env_extra}
        processes = [hub_server(port, env) for port in ports]
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        urls = [f"ws://127.0.0.1:{port}/ws/spaces/bench/" for port in ports]
    else:
        port = free_port()
        processes = [
            subprocess.Popen([PYTHON, "bench/storms_limit.py", str(port)], cwd=ROOT, stderr=subprocess.DEVNULL)
        ]
        wait_port(port)
        urls = [f"ws://127.0.0.1:{port}/"]
    for process in processes:
        pin(process.pid, SERVER_CPU)
        if nice:
            renice(process.pid, nice)
    return Servers(name, processes, urls)


def sched(servers: Servers) -> tuple[float, float]:
    """The server processes' main threads (their event loops): seconds on a core, and seconds
    runnable but waiting for one (``/proc/<pid>/task/<pid>/schedstat``): how much of a window the
    machine's other work took from them."""
    on_cpu = waiting = 0
    for pid in servers.pids:
        fields = Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()
        on_cpu, waiting = on_cpu + int(fields[0]), waiting + int(fields[1])
    return on_cpu / 1e9, waiting / 1e9


def renice(pid: int, nice: int) -> None:
    """Every thread of a server process (its database thread too), so that other work on a shared
    machine takes less of its core; the quiet and storm phases are measured alike."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
            os.setpriority(os.PRIO_PROCESS, int(task.name), nice)


class Child:
    """A load-generator process: a JSON plan in, JSON marks out, commands on stdin."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.storms_client", json.dumps(plan)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def mark(self, name: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found: dict[str, Any] = json.loads(line)
            if found["mark"] == name:
                return found
        raise RuntimeError(f"load generator ended before {name!r} (exit {self.process.wait()})")

    def tell(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait(self) -> None:
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def _post_fill(urls: list[str], tokens: list[str | None], count: int) -> int:
    """Post ``count`` messages from the fillers; returns the space's last seq once all are back."""
    sockets = []
    for index, token in enumerate(tokens):
        headers = {"Authorization": f"Token {token}"} if token else None
        socket = await websockets.connect(urls[index % len(urls)], additional_headers=headers, compression=None)
        await socket.recv()  # hello
        sockets.append(socket)
    for index in range(count):
        frame = {"type": "message.send", "body": f"fill {index}", "client_id": f"fill-{index}"}
        await sockets[index % len(sockets)].send(orjson.dumps(frame).decode())
    seen = 0
    last_seq = 0
    while seen < count:
        frame = orjson.loads(await asyncio.wait_for(sockets[0].recv(), 30))
        if frame["type"] == "message.new":
            seen += 1
            last_seq = frame["message"]["seq"]
    for socket in sockets:
        await socket.close()
    return last_seq


async def _last_seq(url: str, token: str | None) -> int:
    headers = {"Authorization": f"Token {token}"} if token else None
    async with websockets.connect(url, additional_headers=headers, compression=None) as socket:
        hello = orjson.loads(await socket.recv())
        return int(hello["last_seq"])


class Profiler:
    """py-spy on one server process for the length of a storm (collapsed stacks)."""

    def __init__(self, pid: int, path: Path) -> None:
        self.path = path
        py_spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
        self.process = subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--nonblocking", "--threads",
             "--output", str(path), "--duration", "600"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1.0)  # py-spy attaches

    def stop(self) -> dict[str, Any]:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return summarize_profile(self.path)


# Frames whose inclusive share of a storm's samples the profile summary reports.
PROFILE_MARKERS = {
    "handshake (uvicorn + websockets)": "websockets_sansio_impl.py",
    "token lookup": "user_for_token",
    "access check (socket_access)": "socket_access",
    "catch-up read (socket_start)": "socket_start",
    "feed attach": "attach (realtime/fanout.py",
    "presence (announce_presence_change)": "announce_presence_change",
    "presence store (Redis)": "realtime/presence.py",
    "hello's online list": "online (realtime/fanout.py",
    "publish (group_send)": "group_send",
    "encoding replay frames": "encoded_message_new",
    "database thread (sync_to_async thread_handler)": "thread_handler",
    "database driver (psycopg)": "psycopg",
    "channel layer (channels_redis)": "channels_redis",
    "writes to sockets": "wire.py",
    "idle (event loop waiting)": "run_forever",
}


def summarize_profile(path: Path) -> dict[str, Any]:
    """From py-spy's raw format (``--threads``): each thread's share of the samples (the event
    loop, the database thread), inclusive shares of PROFILE_MARKERS, and the top functions by
    own samples."""
    if not path.exists():
        return {}
    total = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        if "_worker (concurrent/futures/thread.py" in stack:
            threads["database thread (sync_to_async)"] += count
        elif "run_forever" in stack or "Runner.run" in stack:
            threads["event loop"] += count
        else:
            threads["other"] += count
        own[frames[-1]] += count
        for label, marker in PROFILE_MARKERS.items():
            if marker in stack:
                inclusive[label] += count
    if not total:
        return {}
    return {
        "samples": total,
        "threads_percent": {name: round(100 * count / total, 1) for name, count in threads.most_common()},
        "inclusive_percent": {label: round(100 * inclusive[label] / total, 1) for label in PROFILE_MARKERS},
        "top_own_percent": [(name, round(100 * count / total, 1)) for name, count in own.most_common(25)],
    }


def _p99(samples: list[tuple[int, int]], start: float, end: float, unreceived: int = 0) -> float | None:
    """The p99 latency (ms) of the messages sent in the window, at every probe; ``unreceived``
    (message, probe) pairs never received count as the slowest (the p99 is None if it is one)."""
    latencies = sorted(latency for sent, latency in samples if start <= sent / 1e9 <= end)
    total = len(latencies) + unreceived
    if not total:
        return None
    index = min(total - 1, int(0.99 * total))
    if index >= len(latencies):
        return None
    return round(latencies[index] / 1e6, 2)


def _unreceived(sent_ns: list[int], samples: list[tuple[int, int]], probes: int, start: float, end: float) -> int:
    """(message, probe) pairs sent in the window that never arrived by the end of the drain."""
    sent = [at for at in sent_ns if start <= at / 1e9 <= end]
    received = sum(1 for at, _latency in samples if start <= at / 1e9 <= end)
    return max(0, len(sent) * probes - received)


def _ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 2) if value is not None and base else None


def read_loop_watch(path: Path) -> list[dict[str, Any]]:
    """The Hub processes' stalls and collector pauses (``realtime.loop_watch``)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def loop_figures(events: list[dict[str, Any]], start: float, end: float) -> dict[str, Any]:
    """What held the event loop in a window: the longest stall, the share of the window spent in
    stalls over 2 ms, the collector's pauses (all generations; full ones counted apart)."""
    stalls = [event["stall"] for event in events if "stall" in event and start <= event["at"] <= end]
    pauses = [event for event in events if "gc" in event and start <= event["at"] <= end]
    cpu = [event.get("cpu", 0.0) for event in events if "stall" in event and start <= event["at"] <= end]
    return {
        "max_stall_ms": round(1000 * max(stalls, default=0.0), 1),
        # The longest stall in the loop thread's own CPU time: what the process ran, whatever the
        # machine's load (a stall's wall time adds the time it waited for its core).
        "max_stall_cpu_ms": round(1000 * max(cpu, default=0.0), 1),
        "stalls_cpu_over_10ms": sum(1 for value in cpu if value > 0.01),
        "stalls_cpu_over_25ms": sum(1 for value in cpu if value > 0.025),
        "stall_cpu_ms": round(1000 * sum(cpu), 1),
        "stalled_percent": round(100 * sum(stalls) / max(end - start, 1e-3), 1),
        "stalls_over_20ms": sum(1 for stall in stalls if stall > 0.02),
        "gc_ms": round(1000 * sum(event["s"] for event in pauses), 1),
        "gc_max_ms": round(1000 * max((event["s"] for event in pauses), default=0.0), 1),
        "gc_max_cpu_ms": round(1000 * max((event.get("cpu", 0.0) for event in pauses), default=0.0), 1),
        "gc_full": sum(1 for event in pauses if event["gc"] == 2),
    }


def run_storm(
    servers: Servers,
    tokens: list[str | None],
    plan: dict[str, Any],
    *,
    after: int | None,
    profile: Path | None,
) -> dict[str, Any]:
    """One storm of ``len(tokens)`` sockets; returns its figures once every socket is done (the
    sockets stay open until ``close_storm``)."""
    procs = plan["client_procs"]
    slices = [list(range(index, len(tokens), procs)) for index in range(procs)]
    children = [
        Child({
            "role": "storm", "urls": servers.urls, "tokens": [tokens[i] for i in indexes],
            "first_index": indexes[0] if indexes else 0, "after": after, "expect": BEHIND if after is not None else 0,
            "timeout": plan["storm_timeout"], "cpus": plan["client_cpus"], "start_at": 0,
        })
        for indexes in slices if indexes
    ]  # fmt: skip
    for child in children:
        child.mark("ready")
    profiler = Profiler(servers.pids[0], profile) if profile else None
    cpu_before = servers.cpu()
    start_at = time.monotonic() + 0.3
    for child in children:
        child.tell(json.dumps({"start_at": start_at}))
    results = [child.mark("result") for child in children]
    server_cpu = servers.cpu() - cpu_before
    profile_summary = profiler.stop() if profiler else None
    done = [second for result in results for second in result["done_seconds"]]
    hellos = [second for result in results for second in result["hello_seconds"]]
    complete = len(done) == len(tokens)
    seconds = max(done) if done else None
    client_cpu = sum(result["client_cpu"] for result in results)
    wall = max(seconds or plan["storm_timeout"], 1e-3)
    figures = {
        "start_at": start_at,
        "seconds": round(seconds, 3) if seconds is not None and complete else None,
        "p50_seconds": round(statistics.median(done), 3) if done else None,
        "hello_seconds": round(max(hellos), 3) if hellos else None,
        "done": len(done),
        "failures": sum(len(result["failures"]) for result in results) + len(tokens) - len(done),
        "failure_kinds": dict(Counter(kind for result in results for kind in result["failures"])),
        "closed_codes": dict(Counter(code for result in results for code in result["closed"])),
        "order_errors": sum(result["order_errors"] for result in results),
        "hello_bytes_avg": round(sum(result["hello_bytes"] for result in results) / max(1, len(hellos))),
        "frames": sum(result["frames"] for result in results),
        "client_cpu_s": round(client_cpu, 3),
        "client_bound": client_cpu > 0.85 * wall * len(plan["client_cpus"]),
        "server_cpu_s": round(server_cpu, 3),
        "profile": profile_summary,
    }
    return {"figures": figures, "children": children}


def close_storm(children: list[Child]) -> None:
    for child in children:
        child.tell("close")
    for child in children:
        child.mark("closed")
        child.wait()


def run_one(name: str, n: int, plan: dict[str, Any], profile_dir: Path | None) -> dict[str, Any]:
    probes = plan["probes"]
    hub = name.startswith("hub")
    tokens: list[str | None] = list(prepare_tokens(n + probes + FILLERS)) if hub else [None] * (n + probes + FILLERS)
    storm_tokens, probe_tokens, filler_tokens = tokens[:n], tokens[n : n + probes], tokens[n + probes :]
    watch = Path(tempfile.mkdtemp(prefix="bench-storms-")) / "loop.jsonl"
    watching = {"HUB_LOOP_WATCH": str(watch)} if plan["loop_watch"] else {}
    servers = start_servers(name, {**plan.get("server_env", {}), **watching}, plan["server_nice"])
    probe: Child | None = None
    try:
        time.sleep(0.5)
        asyncio.run(_post_fill(servers.urls, filler_tokens, BEHIND))
        probe = Child({
            "role": "probe", "urls": servers.urls, "tokens": probe_tokens, "rate": plan["rate"],
            "run": int(time.time()), "cpus": plan["client_cpus"], "nice": -10,
        })  # fmt: skip
        probe.mark("ready")
        marks: dict[str, tuple[float, float, tuple[float, float]]] = {}

        def mark(label: str) -> float:
            """A quiet window's start or end: the time, the servers' CPU-s and their loops' scheduling."""
            now = time.monotonic()
            marks[label] = (now, servers.cpu(), sched(servers))
            return now

        quiet_start = mark("quiet_start")
        time.sleep(plan["quiet_seconds"])
        quiet_end = mark("quiet_end")
        rss_before = servers.rss()

        def profile_path(storm: str) -> Path | None:
            return profile_dir / f"storms-profile-{name}-{n}-{storm}.txt" if profile_dir else None

        connect = run_storm(servers, storm_tokens, plan, after=None, profile=profile_path("connect"))
        # The room with the N sockets in it, idle: the quiet value at the storm's room size.
        time.sleep(0.5)
        full_start = mark("full_room_start")
        time.sleep(plan["idle_seconds"] - 0.5)
        full_end = mark("full_room_end")
        rss_idle = servers.rss()
        close_storm(connect["children"])
        time.sleep(1.0)
        # The quiet room again, just before the resume storm (interleaved with the storms).
        quiet2_start = mark("quiet_before_resume_start")
        time.sleep(plan["quiet_seconds"])
        quiet2_end = mark("quiet_before_resume_end")
        # Read last: the resumers are BEHIND messages behind, however many the probes posted meanwhile.
        last_seq = asyncio.run(_last_seq(servers.urls[0], filler_tokens[0]))
        resume = run_storm(servers, storm_tokens, plan, after=last_seq - BEHIND, profile=profile_path("resume"))
        time.sleep(0.5)
        full2_start = mark("full_room_after_resume_start")
        time.sleep(plan["idle_seconds"] - 0.5)
        full2_end = mark("full_room_after_resume_end")
        close_storm(resume["children"])
        time.sleep(0.5)
        probe.tell("stop")
        probe_result = probe.mark("result")
        probe.wait()
    finally:
        if probe is not None and probe.process.poll() is None:
            probe.process.kill()
        servers.stop()
    samples = [tuple(sample) for sample in probe_result["samples"]]
    c, r = connect["figures"], resume["figures"]

    def window(figures: dict[str, Any]) -> tuple[float, float]:
        start = figures["start_at"]
        return start, start + max(1.0, figures["seconds"] or plan["storm_timeout"])

    windows = {
        "quiet": (quiet_start, quiet_end), "connect_storm": window(c), "full_room": (full_start, full_end),
        "quiet_before_resume": (quiet2_start, quiet2_end), "resume_storm": window(r),
        "full_room_after_resume": (full2_start, full2_end),
    }  # fmt: skip
    sent_ns: list[int] = probe_result["sent_ns"]
    unreceived = {
        label: _unreceived(sent_ns, samples, probe_result["probes"], *bounds) for label, bounds in windows.items()
    }
    p99 = {label: _p99(samples, *bounds, unreceived=unreceived[label]) for label, bounds in windows.items()}
    quiet_p99, connect_p99, resume_p99 = p99["quiet"], p99["connect_storm"], p99["resume_storm"]
    quiet2_p99, full_p99, full2_p99 = p99["quiet_before_resume"], p99["full_room"], p99["full_room_after_resume"]
    events = read_loop_watch(watch)
    shutil.rmtree(watch.parent, ignore_errors=True)
    messages = {label: sum(1 for at in sent_ns if start <= at / 1e9 <= end) for label, (start, end) in windows.items()}
    loop = {label: loop_figures(events, *bounds) for label, bounds in windows.items()} if events else None
    # How busy the server's core was: CPU-s per second in each quiet window, and over each storm.
    busy = {
        label: round((marks[f"{label}_end"][1] - marks[f"{label}_start"][1]) / (end - start), 2)
        for label, (start, end) in windows.items()
        if f"{label}_start" in marks
    }

    def share(label: str, which: int) -> int:
        start, end = windows[label]
        return round(100 * (marks[f"{label}_end"][2][which] - marks[f"{label}_start"][2][which]) / (end - start))

    # The share of each quiet window the loop spent on a core, and runnable but waiting for one.
    scheduling = {
        label: {"on_core_percent": share(label, 0), "waiting_for_core_percent": share(label, 1)}
        for label in windows
        if f"{label}_start" in marks
    }
    busy["connect_storm"] = round(c["server_cpu_s"] / max(c["seconds"] or plan["storm_timeout"], 1e-3), 2)
    busy["resume_storm"] = round(r["server_cpu_s"] / max(r["seconds"] or plan["storm_timeout"], 1e-3), 2)
    return {
        "server": name,
        "n": n,
        "connect_s": c["seconds"],
        "connect_p50_s": c["p50_seconds"],
        "connect_failures": c["failures"],
        "hello_bytes": c["hello_bytes_avg"],
        "connect_server_cpu_s": c["server_cpu_s"],
        "connect_client_cpu_s": c["client_cpu_s"],
        "connect_client_bound": c["client_bound"],
        "resume_s": r["seconds"],
        "resume_p50_s": r["p50_seconds"],
        "resume_failures": r["failures"],
        "resume_order_errors": r["order_errors"],
        "resume_server_cpu_s": r["server_cpu_s"],
        "resume_client_cpu_s": r["client_cpu_s"],
        "resume_client_bound": r["client_bound"],
        "kib_per_idle_socket": round((rss_idle - rss_before) / n, 1),
        "quiet_p99_ms": quiet_p99,
        "connect_storm_p99_ms": connect_p99,
        "resume_storm_p99_ms": resume_p99,
        # The target's comparison: each storm against the quiet room (the probes alone) measured
        # just before it in the same run; and, apart, the room with the N sockets in it idle.
        "quiet_before_resume_p99_ms": quiet2_p99,
        "connect_storm_ratio": _ratio(connect_p99, quiet_p99),
        "resume_storm_ratio": _ratio(resume_p99, quiet2_p99),
        "full_room_p99_ms": full_p99,
        "full_room_after_resume_p99_ms": full2_p99,
        "connect_storm_ratio_to_full_room": _ratio(connect_p99, full_p99),
        "resume_storm_ratio_to_full_room": _ratio(resume_p99, full2_p99),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "probe_gaps": probe_result["gaps"],
        "details": {
            "connect": {k: v for k, v in c.items() if k != "profile"},
            "resume": {k: v for k, v in r.items() if k != "profile"},
            "replayed": BEHIND,
            "messages_per_window": messages,
            "unreceived_per_window": unreceived,
            "server_cpu_per_second": busy,
            "loop_scheduling": scheduling,
            "loop": loop,
        },
        "profile": {"connect": c["profile"], "resume": r["profile"]} if profile_dir else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 250 and 1,000 only")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--servers", default="hub,limit")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration; medians are reported")
    parser.add_argument("--client-procs", type=int, default=4)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="the probes' messages per second, in all")
    parser.add_argument("--profile", action="store_true", help="py-spy on the first Hub process during each storm")
    parser.add_argument("--output", default=None, help="results file under bench/results/")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the Hub processes (experiments)")
    parser.add_argument(
        "--loop-watch", action="store_true", help="the Hub records its loop's stalls (a few %% of its CPU)"
    )
    parser.add_argument("--server-nice", type=int, default=0, help="the servers niceness, e.g. -10")
    args = parser.parse_args()
    sizes = QUICK_SIZES if args.quick else [int(size) for size in args.sizes.split(",")]
    if shutil.which("redis-cli") is None or shutil.which("psql") is None:
        sys.exit("make bench-storms needs PostgreSQL and Redis (psql and redis-cli)")
    plan: dict[str, Any] = {
        "client_procs": args.client_procs,
        "client_cpus": client_cpus(),
        "probes": args.probes,
        "rate": args.rate,
        "quiet_seconds": 4.0,
        "idle_seconds": 4.0,
        "storm_timeout": 90.0,
        "server_env": dict(item.split("=", 1) for item in args.env),
        "server_nice": args.server_nice,
        "loop_watch": args.loop_watch,
    }
    ensure_database()
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _repeat in range(args.repeat):
        for n in sizes:
            for name in args.servers.split(","):
                print(f"… {name} N={n}", end="", file=sys.stderr, flush=True)
                started = time.monotonic()
                profile_dir = RESULTS if args.profile and name.startswith("hub") else None
                row = run_one(name, n, plan, profile_dir)
                print(
                    f" ({time.monotonic() - started:.0f} s): connect {row['connect_s']} s, resume {row['resume_s']} s, "
                    f"{row['kib_per_idle_socket']} KiB/socket, p99 quiet/connect/resume {row['quiet_p99_ms']}/"
                    f"{row['connect_storm_p99_ms']}/{row['resume_storm_p99_ms']} ms, ratios to the quiet room before "
                    f"{row['connect_storm_ratio']}/{row['resume_storm_ratio']}, full room p99 "
                    f"{row['full_room_p99_ms']}/{row['full_room_after_resume_p99_ms']} ms, "
                    f"load {row['load_average_1m']}",
                    file=sys.stderr,
                    flush=True,
                )
                runs.setdefault((name, n), []).append(row)
    rows = [median_storm_rows(found) for found in runs.values()]
    print_storm_table(rows)
    targets = storm_target_lines(rows)
    for line in targets:
        print(line)
    baseline = RESULTS / "storms-baseline.json"
    before = json.loads(baseline.read_text())["rows"] if baseline.exists() and not args.quick else None
    # The committed plots are drawn from full runs only: an experiment (other sizes, another
    # --output) must not redraw docs/img from a partial one.
    full_run = not args.quick and sizes == SIZES and args.output is None
    plots = plot_storms(rows, before) if full_run else None
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "load_average": os.getloadavg()}  # fmt: skip
    output = args.output or ("storms-quick.json" if args.quick else "storms.json")
    (RESULTS / output).write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": machine,
                "plan": plan,
                "repeat": args.repeat,
                "rows": rows,
                "targets": targets,
                "runs": [run for found in runs.values() for run in found],
                "plots": plots,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
