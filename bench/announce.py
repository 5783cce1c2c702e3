"""``make bench-announce``: publishing one event to N subscribers, the Hub against the naive way, in one run.

For each N (1k, 10k, 50k; ``--quick``: 10k) the bench database (``hub_announcebench``, migrated
once per set of migrations) is seeded with N subscribers of objective 9 (``bench.announce_baseline
seed``: languages spread over the six UN languages, email "immediate"). Each run starts from no
notifications and one draft objective 9 training, with fresh processes:

- a Redis of the run's own on a spare port (broker, cache, channel layer: nobody else's keys);
- the local SMTP sink (``bench.announce_sink``: aiosmtpd, each message counted);
- a Celery worker as deployed (``docker-compose.yml``: prefork, ``--concurrency 2``);
- for the Hub, the web server (``config.serve``, ``DEBUG=0``).

**hub**: ``POST /api/v1/events/{id}/publish/`` as its organizer; timed from just before the request
to the sink's receipt of the N-th email (every email goes out after its notification committed,
so that is also when every notification is committed; the run checks both in the database and
that no address got two). The request's own time is reported beside it.

**baseline**: the same event published by a task that queues one task per subscriber, each of
which creates the notification and calls ``send_mail`` (``bench.announce_baseline``); timed from
sending that task to the N-th email. Too slow to run at every size in full: ``--baseline-sizes``.

**limit**: the sink's own ceiling on this machine, pre-built messages sent as fast as two
``smtplib`` clients can (no database, no Celery): no delivery can beat it.

At 10k it also times writing the notifications alone, three ways (``insert-timings``, rolled
back): one set-based statement, the announcement's batches, and ``notification_create`` per
subscriber.

Prints one table with medians over ``--runs`` runs and the targets (at 10k: ≤ 2 s, ≥ 25 x the
baseline, the publishing request ≤ 50 ms), writes ``bench/results/announce.json``
(``--quick``: ``announce-quick.json``) and plots time against N (``docs/img/bench-announce.png``).
"""

import argparse
import hashlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, SECRET, cpu_seconds, free_port, wait_http

PYTHON = sys.executable
BIN = Path(sys.executable).parent
SIZES = (1_000, 10_000, 50_000)
PG_URL = os.environ.get("BENCH_ANNOUNCE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_announcebench")
IMAGES = ROOT / "docs" / "img"
TARGET_SECONDS_10K = 2.0
TARGET_RATIO = 25.0
TARGET_REQUEST_MS = 50.0
WORKER_CONCURRENCY = 2
GIVE_UP_SECONDS = 900


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def database_name() -> str:
    return PG_URL.rsplit("/", 1)[1]


def django_env(redis_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": PG_URL,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "SECRET_KEY": SECRET,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CHANNEL_LAYER_PREFIX": "hub-announcebench",
        **extra,
    }


def ensure_migrated() -> None:
    """The bench database, migrated; made again when the migrations changed."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    marker = f"bench.announce {digest.hexdigest()[:16]}"
    name = database_name()
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 (our own name)
    comment = f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"  # noqa: S608
    if exists and psql(comment) == marker:
        return
    if exists:
        psql(f"DROP DATABASE {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    print(f"… migrating {name}", file=sys.stderr, flush=True)
    env = django_env("redis://127.0.0.1:1/0")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    psql(f"COMMENT ON DATABASE {name} IS '{marker}'")


def django_command(*args: str) -> str:
    env = django_env("redis://127.0.0.1:1/0")
    command = [PYTHON, "-m", "bench.announce_baseline", *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


# --- Processes --------------------------------------------------------------------------------


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Sink:
    """The SMTP sink process and its control connection."""

    def __init__(self) -> None:
        self.port, self.control_port = free_port(), free_port()
        args = [PYTHON, "-m", "bench.announce_sink", "--port", str(self.port), "--control", str(self.control_port)]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL)
        wait_port(self.control_port)
        wait_port(self.port)
        self.control = socket.create_connection(("127.0.0.1", self.control_port))
        self.reader = self.control.makefile("rb")

    def stats(self) -> dict[str, Any]:
        self.control.sendall(b"stats\n")
        answer: dict[str, Any] = json.loads(self.reader.readline())
        return answer

    def stop(self) -> None:
        self.control.close()
        stop(self.process)


@contextmanager
def redis_of_our_own() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def start_worker(env: dict[str, str], log: Path, *, baseline: bool, concurrency: int) -> subprocess.Popen[bytes]:
    args = [str(BIN / "celery"), "-A", "config", "worker", "--pool", "prefork", "--concurrency", str(concurrency),
            "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    if baseline:
        args += ["-I", "bench.announce_baseline"]
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (the worker's pool processes)."""
    total = 0.0
    try:
        total += cpu_seconds(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return total
    return total + sum(tree_cpu(int(child)) for child in children)


# --- One run ----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection to the Hub as the organizer."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def request(self, method: str, path: str) -> float:
        """Milliseconds until the answer was read (an error answer raises)."""
        started = time.perf_counter()
        self.connection.request(method, path, body=b"" if method == "POST" else None, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}: {body[:300]!r}")
        return elapsed

    def warm_up(self, warm_up_id: int) -> None:
        """The first requests of a server process open its database and broker connections."""
        for _index in range(3):
            self.request("GET", "/api/v1/events/?upcoming=true")
        self.request("POST", f"/api/v1/events/{warm_up_id}/publish/")

    def close(self) -> None:
        self.connection.close()


def wait_for_emails(sink: Sink, n: int, started: float) -> dict[str, Any]:
    deadline = started + GIVE_UP_SECONDS
    while True:
        stats = sink.stats()
        if stats["count"] >= n or time.monotonic() > deadline:
            return stats
        time.sleep(0.02)


def one_run(server: str, n: int, workdir: Path, concurrency: int) -> dict[str, Any]:
    prepared = json.loads(django_command("prepare").strip().splitlines()[-1])
    event_id, token = prepared["event_id"], prepared["token"]
    with redis_of_our_own() as redis_url:
        sink = Sink()
        env = django_env(redis_url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port))
        log = workdir / f"worker-{server}-{n}.log"
        worker = start_worker(env, log, baseline=server == "baseline", concurrency=concurrency)
        web: subprocess.Popen[bytes] | None = None
        try:
            request_ms: float | None = None
            cpu_before = tree_cpu(worker.pid)
            if server == "hub":
                port = free_port()
                serve = [PYTHON, "-m", "config.serve", "--port", str(port), "--log-level", "warning"]
                web = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wait_http(f"http://127.0.0.1:{port}/healthz")
                client = Client(port, token)
                client.warm_up(prepared["warm_up_id"])
                started = time.monotonic()
                request_ms = client.request("POST", f"/api/v1/events/{event_id}/publish/")
                client.close()
            else:
                from celery import Celery

                broker = Celery(broker=redis_url)
                started = time.monotonic()
                broker.send_task("bench.announce_baseline.publish_naive", args=[event_id])
                broker.close()
            stats = wait_for_emails(sink, n, started)
            worker_cpu = tree_cpu(worker.pid) - cpu_before
        finally:
            if web is not None:
                stop(web)
            stop(worker)
            sink.stop()
    stored = json.loads(django_command("counts", str(event_id)).strip().splitlines()[-1])
    complete = stats["count"] >= n
    seconds = stats["last"] - started if complete else None
    return {
        "server": server,
        "n": n,
        "seconds": round(seconds, 3) if seconds is not None else None,
        "emails_per_s": round(n / seconds, 1) if seconds else None,
        "first_email_s": round(stats["first"] - started, 3) if stats["count"] else None,
        "request_ms": round(request_ms, 2) if request_ms is not None else None,
        "worker_cpu_s": round(worker_cpu, 2),
        "emails": stats["count"],
        "duplicates": stats["duplicates"],
        "notifications": stored["notifications"],
        "deliveries_sent": stored["deliveries_sent"],
        "complete": complete and stored["recipients"] == n and stats["duplicates"] == 0,
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def measure_limit(n: int) -> dict[str, Any]:
    sink = Sink()
    try:
        out = subprocess.run([PYTHON, "-m", "bench.announce_sink", "--port", str(sink.port), "--blast", str(n)],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout  # fmt: skip
    finally:
        sink.stop()
    rate = float(json.loads(out.strip().splitlines()[-1])["messages_per_s"])
    return {"server": "limit", "n": n, "seconds": round(n / rate, 3), "emails_per_s": rate, "complete": True}


def median_row(runs: list[dict[str, Any]]) -> dict[str, Any]:
    row = dict(runs[0])
    for key in ("seconds", "emails_per_s", "first_email_s", "request_ms", "worker_cpu_s"):
        values = [run[key] for run in runs if run.get(key) is not None]
        row[key] = round(statistics.median(values), 3) if values else None
    row["runs"] = len(runs)
    row["complete"] = all(run["complete"] for run in runs)
    row["duplicates"] = max(run.get("duplicates", 0) for run in runs)
    row["seconds_per_run"] = [run["seconds"] for run in runs]
    return row


# --- Report -----------------------------------------------------------------------------------

COLUMNS = ["server", "n", "runs", "seconds", "emails_per_s", "first_email_s", "request_ms", "worker_cpu_s",
           "duplicates", "complete"]  # fmt: skip


def print_table(rows: list[dict[str, Any]]) -> None:
    cells = [[str(row.get(column, "")) for column in COLUMNS] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(COLUMNS)]
    print("  ".join(column.ljust(width) for column, width in zip(COLUMNS, widths, strict=True)))
    for line in cells:
        print("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)))


def target_lines(rows: list[dict[str, Any]], n: int = 10_000) -> list[str]:
    at = {row["server"]: row for row in rows if row["n"] == n}
    hub, baseline, limit = at.get("hub"), at.get("baseline"), at.get("limit")
    lines = []
    if hub and hub["seconds"] is not None:
        verdict = "met" if hub["seconds"] <= TARGET_SECONDS_10K and hub["complete"] else "MISSED"
        lines.append(f"At N = {n:,}: hub {hub['seconds']} s until every email was handed to the sink "
                     f"(target <= {TARGET_SECONDS_10K:g} s): {verdict}")  # fmt: skip
        verdict = "met" if (hub["request_ms"] or 0) <= TARGET_REQUEST_MS else "MISSED"
        lines.append(f"At N = {n:,}: publishing request {hub['request_ms']} ms (target <= {TARGET_REQUEST_MS:g} ms): "
                     f"{verdict}")  # fmt: skip
    if hub and baseline and hub["seconds"] and baseline["seconds"]:
        ratio = baseline["seconds"] / hub["seconds"]
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        lines.append(f"At N = {n:,}: baseline/hub {ratio:.1f} x ({baseline['seconds']} vs {hub['seconds']} s; "
                     f"target >= {TARGET_RATIO:g}): {verdict}")  # fmt: skip
    if hub and limit and hub["seconds"]:
        lines.append(f"At N = {n:,}: the sink alone takes {limit['emails_per_s']} emails/s "
                     f"({limit['seconds']} s for {n:,}); the hub ran at "
                     f"{100 * limit['seconds'] / hub['seconds']:.0f} % of that")  # fmt: skip
    return lines


def plot(rows: list[dict[str, Any]]) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return []
    IMAGES.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(6, 4))
    for server, style in (("hub", "o-"), ("baseline", "s-"), ("limit", "^:")):
        points = sorted((row["n"], row["seconds"]) for row in rows if row["server"] == server and row["seconds"])
        if points:
            axis.plot(*zip(*points, strict=True), style, label=server)
    axis.plot([10_000], [TARGET_SECONDS_10K], "k*", label="target (hub, 10k)")
    axis.set_xlabel("subscribers (N)")
    axis.set_ylabel("publish → last email at the sink (s)")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.grid(True, alpha=0.3, which="both")
    axis.legend(fontsize=8)
    axis.set_title("Announcing one event: notifications + emails")
    path = IMAGES / "bench-announce.png"
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return [str(path.relative_to(ROOT))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k subscribers, one run of each")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-sizes", default="1000,10000", help="sizes the baseline runs at")
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--worker-concurrency", type=int, default=WORKER_CONCURRENCY,
                        help="worker processes (docker-compose.yml deploys 2)")  # fmt: skip
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("bench.announce needs redis-server (a Redis of its own per run)")
    sizes = [10_000] if args.quick else [int(size) for size in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    baseline_sizes = {int(size) for size in args.baseline_sizes.split(",") if size}
    started = time.monotonic()
    ensure_migrated()
    workdir = ROOT / "var" / "bench-announce"  # the worker logs of the last run
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    insert_timings: dict[str, dict[str, float]] = {}
    for n in sizes:
        print(f"… seeding {n:,} subscribers", file=sys.stderr, flush=True)
        django_command("seed", str(n))
        plan = [("hub", runs)] + ([("baseline", args.baseline_runs)] if n in baseline_sizes else [])
        for server, count in plan:
            done = []
            for index in range(count):
                print(f"… N={n:,}: {server}, run {index + 1} of {count}", file=sys.stderr, flush=True)
                done.append(one_run(server, n, workdir, args.worker_concurrency))
                print(f"   {json.dumps(done[-1])}", file=sys.stderr, flush=True)
            raw += done
            rows.append(median_row(done))
        if n == 10_000 or len(sizes) == 1:
            rows.append(measure_limit(n))
            print(f"… N={n:,}: writing the notifications three ways", file=sys.stderr, flush=True)
            insert_timings[str(n)] = json.loads(django_command("insert-timings", str(n)).strip().splitlines()[-1])
            print(f"   {json.dumps(insert_timings[str(n)])}", file=sys.stderr, flush=True)
    print_table(rows)
    targets = target_lines(rows)
    for line in targets:
        print(line)
    for n_written, timings in insert_timings.items():
        print(f"Writing {int(n_written):,} notifications and their email rows (rolled back): "
              + ", ".join(f"{name} {seconds} s" for name, seconds in timings.items()))  # fmt: skip
    plots = plot(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("announce-quick.json" if args.quick else "announce.json")
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "postgresql": psql("SHOW server_version")}  # fmt: skip
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.monotonic() - started),
        "machine": machine,
        "plan": {"sizes": sizes, "runs": runs, "baseline_sizes": sorted(baseline_sizes),
                 "baseline_runs": args.baseline_runs, "worker_concurrency": args.worker_concurrency},
        "rows": rows, "targets": targets, "insert_timings": insert_timings, "runs": raw, "plots": plots,
    }, indent=2) + "\n")  # fmt: skip
    print(f"(written {out.relative_to(ROOT)}; {time.monotonic() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
