"""``make bench``: WebSocket fan-out of the Hub against the Channels tutorial (the peer) and a bare
``websockets`` broadcast server (the limit), side by side in one run on one machine.

Prints one table, writes ``bench/results/latest.json`` and draws ``docs/img/bench-*.png``.
Servers run on CPU 0 and the load generator on CPU 1 (PostgreSQL and Redis float); a run whose
load generator used most of its core is marked client-bound.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.report import median_rows, plot, print_table, target_lines

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")
SERVER_CPU, CLIENT_CPU = 0, 1
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET = "bench-secret-key-bench-secret-key-bench-secret-key-0123456789"  # noqa: S105


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def hub_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": SECRET,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CHANNEL_LAYER_PREFIX": "hubbench",
    }


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pin(pid: int, cpu: int) -> None:
    if (cpus := os.cpu_count()) and cpus > cpu:
        os.sched_setaffinity(pid, {cpu})


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(port)


class Servers:
    """The server processes of one configuration."""

    def __init__(self, name: str, processes: list[subprocess.Popen[bytes]], urls: list[str]) -> None:
        self.name, self.processes, self.urls = name, processes, urls

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> int:
        return sum(rss_kib(pid) for pid in self.pids)

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def hub_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [PYTHON, "-m", "config.serve", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def uvicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The peer under the same ASGI server, with the same options as the Hub's ``config.serve``."""
    args = [str(BIN / "uvicorn"), app, "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop",
            "--http", "httptools", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
            "--no-access-log", "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start(name: str) -> Servers:
    if name.startswith("hub"):
        count = 2 if name == "hub-2proc" else 1
        ports = [free_port() for _ in range(count)]
        processes = [hub_server(port, hub_env()) for port in ports]
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        urls = [f"ws://127.0.0.1:{port}/ws/spaces/bench/" for port in ports]
    elif name == "peer":
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.peer.settings", "PEER_REDIS_URL": REDIS_URL}
        processes = [uvicorn("bench.peer.asgi:application", port, env)]
        wait_port(port)
        urls = [f"ws://127.0.0.1:{port}/ws/chat/bench/"]
    else:
        port = free_port()
        processes = [subprocess.Popen([PYTHON, "bench/limit_server.py", str(port)], cwd=ROOT)]
        wait_port(port)
        urls = [f"ws://127.0.0.1:{port}/"]
    for process in processes:
        pin(process.pid, SERVER_CPU)
    return Servers(name, processes, urls)


def prepare_hub(count: int) -> list[str]:
    subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True)
    out = subprocess.run(
        [PYTHON, "-m", "bench.prepare_hub", str(count)],
        cwd=ROOT,
        env=hub_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tokens: list[str] = json.loads(out.strip().splitlines()[-1])
    return tokens


def ensure_database() -> None:
    name = PG_URL.rsplit("/", 1)[1]
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",  # noqa: S608 (our own setting),
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
            check=True,
            capture_output=True,
        )
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=hub_env(), check=True)


def run_one(name: str, n: int, plan: dict[str, Any]) -> dict[str, Any]:
    senders = plan["steady"]["senders"] + plan["burst"]["senders"]
    tokens = prepare_hub(max(n, senders)) if name.startswith("hub") else None
    if name == "peer":
        subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True)
    servers = start(name)
    try:
        time.sleep(0.5)
        rss_before = servers.rss()
        load = {
            **plan,
            "kind": "hub" if name.startswith("hub") else name,
            "urls": servers.urls,
            "n": n,
            "tokens": tokens,
            # Idle cost is a target for the Hub; the baselines' idle figures would only add time.
            "idle_seconds": plan["idle_seconds"] if n == plan["idle_at"] and name.startswith("hub") else 0,
        }
        env = {**os.environ, "BENCH_CLIENT_CPU": str(CLIENT_CPU)}
        client = subprocess.Popen(
            [PYTHON, "-m", "bench.loadgen", json.dumps(load)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        marks: dict[str, dict[str, Any]] = {}
        assert client.stdout is not None  # (stdout=PIPE)
        for line in client.stdout:
            mark = json.loads(line)
            mark["server_cpu"] = servers.cpu()
            marks[mark["mark"]] = mark
            if mark["mark"] == "connected":
                marks["connected"]["server_rss"] = servers.rss()
        client.wait()
    finally:
        servers.stop()
    return summarize(name, n, marks, rss_before)


def summarize(name: str, n: int, marks: dict[str, dict[str, Any]], rss_before: int) -> dict[str, Any]:
    result = marks["result"]
    burst = marks["burst_end"]
    burst_cpu = burst["server_cpu"] - marks["burst_start"]["server_cpu"]
    row = {
        "server": name,
        "n": n,
        "throughput_per_s": round(result["burst_deliveries"] / burst["seconds"]) if burst["seconds"] else None,
        "steady_p50_ms": result["steady_p50_ms"],
        "steady_p99_ms": result["steady_p99_ms"],
        "lost": result["lost"],
        "duplicates_or_reorders": result["duplicates_or_reorders"],
        "seq_gaps": result["seq_gaps"],
        "cpu_s_per_1000": round(1000 * burst_cpu / max(1, result["burst_deliveries"]), 4),
        "rss_kib_per_connection": round((marks["connected"]["server_rss"] - rss_before) / n, 1),
        "client_bound": burst["client_cpu"] > 0.85 * burst["seconds"],
        "complete": burst["complete"] and marks["steady_end"]["complete"],
        "messages": result["sent"],
    }
    if "idle_end" in marks:
        seconds = marks["idle_end"]["t"] - marks["idle_start"]["t"]
        row["idle_cpu_percent"] = round(
            100 * (marks["idle_end"]["server_cpu"] - marks["idle_start"]["server_cpu"]) / seconds, 2
        )
    return row


COUNT_STORED = (
    "SELECT count(*) FROM discussions_message m JOIN discussions_space s ON s.id = m.space_id WHERE s.slug = 'bench'"
)


def messages_in_database() -> int:
    command = ["psql", PG_URL, "-tAc", COUNT_STORED]
    return int(subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="N = 100 only, short phases (under a minute)")
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument("--servers", default="hub,hub-2proc,peer,limit")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration; medians are reported")
    args = parser.parse_args()
    sizes = [100] if args.quick else [int(size) for size in args.sizes.split(",")]
    plan = {
        "steady": {"senders": 10, "rate": 15, "seconds": 3 if args.quick else 4},
        "burst": {"senders": 10 if args.quick else 25, "per_sender": 10 if args.quick else 20},
        "idle_seconds": 3 if args.quick else 5,
        "idle_at": 100 if args.quick else 500,
        "settle": 0.5,
        # A phase ends this long after its last send; what has not arrived by then is lost.
        "give_up_seconds": 10.0,
    }
    if shutil.which("redis-cli") is None or shutil.which("psql") is None:
        sys.exit("make bench needs PostgreSQL and Redis (psql and redis-cli)")
    ensure_database()
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _repeat in range(args.repeat):
        for n in sizes:
            for name in args.servers.split(","):
                if name == "hub-2proc" and n < 500 and not args.quick:
                    continue  # two processes matter under load; this keeps make bench under 5 minutes
                print(f"… {name} N={n}", end="", file=sys.stderr, flush=True)
                started = time.monotonic()
                row = run_one(name, n, plan)
                print(f" ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
                if name.startswith("hub"):
                    row["stored"] = messages_in_database() == row["messages"]
                runs.setdefault((name, n), []).append(row)
    rows = [median_rows(found) for found in runs.values()]
    print_table(rows)
    for line in target_lines(rows):
        print(line)
    plots = plot(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": machine,
                "plan": plan,
                "repeat": args.repeat,
                "rows": rows,
                "targets": target_lines(rows),
                "runs": [run for found in runs.values() for run in found] if args.repeat > 1 else None,
                "plots": plots,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
