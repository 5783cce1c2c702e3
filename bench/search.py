"""``make bench-search``: expert search through the real API, the Hub's against the naive way, in one run.

For each number of experts N (10k, 30k, 100k; ``--quick``: 10k), a database of its own is seeded
by ``seed_demo --experts N`` (kept between runs while the seed, the demo code and the migrations
are the same). A fixed mix of about 300 queries (``query_mix``: one word, two words, a prefix as
typed, a very common word, names with and without accents, the bare facet page; 0-2 facet
filters each, drawn with a fixed seed) goes over HTTP, one keep-alive connection, to two server
processes started by ``config.serve`` with ``DEBUG=0``:

- **hub**: the Hub (``GET /api/v1/experts/`` of ``experts.search``);
- **baseline**: the same URL served naively (``bench/search_baseline.py``: DRF's ``SearchFilter``
  and one ``COUNT`` per facet value), from the bench settings ``bench.search_settings``.

Each request asks for the first page and every facet count (the endpoint answers both). After
warm-up passes, every query is sent once per pass; latency is measured client-side (request sent
→ body read). The Hub counts facets over an index of the directory each process holds in memory
(``experts.search.resident``), loaded by its first search (its time is reported as
``first_request_ms``) and brought up to date from the database's change log by the first search
after a write: before each timed pass one expert's profile is updated, so each pass includes
that. The baseline, hundreds of times slower, is sent a fixed
sample of the mix (every ``--baseline-every``-th query of each class). The number of SQL queries
per request is counted in a separate process through Django's test client
(``bench.search_probe``), which also runs ``EXPLAIN (ANALYZE, BUFFERS)`` on the statements of the
Hub's slowest requests.

Prints one table and the targets (at the largest N: hub p95 ≤ 30 ms, baseline/hub p95 ≥ 20,
queries per request constant), writes ``bench/results/search.json`` (``--quick``:
``search-quick.json``) and plots p95 against N (``docs/img/bench-search.png``).
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from typing import Any

from bench.run import RESULTS, ROOT, SECRET, free_port, hub_server, pin, wait_http

SEED = 2018
SIZES = (10_000, 30_000, 100_000)
PG_BASE = os.environ.get("BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_searchbench")
REDIS_URL = os.environ.get("BENCH_SEARCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SERVER_CPU, CLIENT_CPU = 0, 1
IMAGES = ROOT / "docs" / "img"
PYTHON = sys.executable
CLASSES = ("one_word", "two_words", "prefix", "common_word", "name", "name_accented", "facets_only")
TARGET_P95_MS = 30.0
TARGET_RATIO = 20.0
MAX_HUB_QUERIES = 4

# What people type into an expert search about migration. Words (stemmed by the Hub: "remittance"
# finds "remittances"), pairs, and prefixes as they are being typed. The very common word is
# in most profiles.
WORDS = ["remittances", "trafficking", "smuggling", "diaspora", "refugees", "labour", "climate", "detention",
         "integration", "statelessness", "resettlement", "border", "recruitment", "asylum", "returns", "children",
         "gender", "health", "data", "xenophobia", "reintegration", "displacement", "consular", "visa",
         "education", "skills", "inclusion", "protection", "rights", "policy"]  # fmt: skip
PAIRS = ["labour migration", "fair recruitment", "climate displacement", "border management", "migrant workers",
         "human trafficking", "return reintegration", "diaspora investment", "migration data", "child protection",
         "migrant health", "regular pathways", "skills recognition", "irregular migration", "consular assistance",
         "women migrants", "social protection", "alternatives detention", "public perception",
         "remittance costs"]  # fmt: skip
PREFIXES = ["migr", "traff", "remit", "refug", "integ", "disp", "recru", "smugg", "dias", "labo", "bord", "asyl",
            "clim", "retur", "resett", "stat", "prot", "educ", "heal", "xeno"]  # fmt: skip
COMMON = ["migration", "migrants", "policy"]
# Family and given names of the demo's naming traditions (and two it does not have), typed
# without accents (Garcia must find García) and with them.
NAMES = ["Garcia", "Nguyen", "Okafor", "Smith", "Rossi", "Haddad", "Ivanova", "Mensah", "Silva", "Chen", "Lopez",
         "Diallo", "Martin", "Hassan", "Santos", "Ali", "Jose", "Gonzalez", "Rodriguez", "Hernandez", "Petrovic",
         "Horvath", "Nowak", "Murphy", "Kumar", "Kowalski", "Sofia", "Joaquin"]  # fmt: skip
NAMES_ACCENTED = ["García", "López", "Pérez", "Ramírez", "Sofía", "José", "Martínez", "González", "Rodríguez",
                  "Hernández", "Gutiérrez", "Joaquín", "Óscar", "Horváth", "Szabó", "Jovanović", "Petrović",
                  "Hadžić", "Lucía", "Inês", "Ciarán", "Tomáš", "Zsófia", "Jónsdóttir", "Sebastián", "Chávez",
                  "Cárdenas", "Müller"]  # fmt: skip
AVAILABLE_FOR = ["advisory", "speaking", "media", "peer_review", "training"]


def query_mix(taxonomy: dict[str, list[str]], seed: int = SEED) -> list[dict[str, Any]]:
    """About 300 requests, the same for a given seed and taxonomy: ``{"class", "params"}`` each."""
    rng = random.Random(seed)
    facets = {**taxonomy, "available_for": AVAILABLE_FOR}
    per_class = {"one_word": 60, "two_words": 45, "prefix": 50, "common_word": 30, "name": 35, "name_accented": 30,
                 "facets_only": 50}  # fmt: skip
    sources: dict[str, list[str]] = {"one_word": WORDS, "two_words": PAIRS, "prefix": PREFIXES, "common_word": COMMON,
                                     "name": NAMES, "name_accented": NAMES_ACCENTED}  # fmt: skip
    mix = []
    for kind in CLASSES:
        for index in range(per_class[kind]):
            params: dict[str, str] = {}
            if kind != "facets_only":
                source = sources[kind]
                params["q"] = source[index % len(source)] if index < len(source) else rng.choice(source)
            # 0, 1 or 2 filters (the bare facet page is one of the facets_only queries).
            filters = rng.choices([0, 1, 2], weights=[4, 4, 2])[0]
            for name in rng.sample(sorted(facets), filters):
                params[name] = rng.choice(facets[name])
            mix.append({"class": kind, "params": params})
    return mix


def path_of(query: dict[str, Any]) -> str:
    encoded = urllib.parse.urlencode(query["params"])
    return "/api/v1/experts/" + (f"?{encoded}" if encoded else "")


# --- Databases ------------------------------------------------------------------------------------


def database_url(n: int) -> str:
    return f"{PG_BASE}_{n // 1000}k"


def server_env(n: int, *, baseline: bool = False) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.search_settings" if baseline else "config.settings",
        "DATABASE_URL": database_url(n),
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": SECRET,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "CHANNEL_LAYER_PREFIX": "hub-searchbench",
    }


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def seed_marker(n: int) -> str:
    """What a seeded database was made from; a database with another marker is made again."""
    digest = hashlib.sha256()
    experts = ROOT / "experts"
    for path in sorted(
        [experts / "bulk.py", *(experts / "demo").glob("*.py"), *(experts / "migrations").glob("0*.py")]
    ):
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return f"seed_demo --experts {n} --seed {SEED} {digest.hexdigest()[:16]}"


def ensure_seeded(n: int) -> float | None:
    """The database for N experts, made and seeded if it is not there yet; seconds spent seeding, or None."""
    name = database_url(n).rsplit("/", 1)[1]
    marker = seed_marker(n)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 (our own name)
    comment = f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"  # noqa: S608
    if exists and psql(comment) == marker:
        return None
    if exists:
        psql(f"DROP DATABASE {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    env = server_env(n)
    print(f"… seeding {n:,} experts into {name}", file=sys.stderr, flush=True)
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--experts", str(n), "--seed", str(SEED), "--no-progress"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    psql("VACUUM ANALYZE", name)
    seconds = time.monotonic() - started
    psql(f"COMMENT ON DATABASE {name} IS '{marker}'")
    return seconds


def taxonomy(n: int) -> dict[str, list[str]]:
    """The facet values the mix draws from, read from the seeded database (the taxonomy's migration)."""
    name = database_url(n).rsplit("/", 1)[1]
    sources = {"objective": "SELECT key FROM gcm_objective", "principle": "SELECT slug FROM gcm_guidingprinciple",
               "region": "SELECT slug FROM gcm_region", "country": "SELECT iso2 FROM gcm_country",
               "language": "SELECT code FROM gcm_language"}  # fmt: skip
    return {facet: sorted(psql(sql, name).split()) for facet, sql in sources.items()}


# --- Measuring ------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection; ``get`` answers (milliseconds, status, body)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, path: str) -> tuple[float, int, bytes]:
        headers = {"Accept": "application/json"}
        started = time.perf_counter()
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.will_close:  # a server that closed would make the next request pay a connect
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        return elapsed, response.status, body

    def close(self) -> None:
        self.connection.close()


def start_server(n: int, *, baseline: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = hub_server(port, server_env(n, baseline=baseline))
    pin(process.pid, SERVER_CPU)
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return process, port


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def edit_one_expert(n: int) -> None:
    """A profile edit, as happens while people search: one expert's ``updated_at`` (the change log
    names the row; the Hub's processes reload it at their next search)."""
    psql("UPDATE experts_expert SET updated_at = now() WHERE id = (SELECT min(id) FROM experts_expert)",
         database_url(n).rsplit("/", 1)[1])  # fmt: skip


def measure(n: int, mix: list[dict[str, Any]], *, baseline: bool, warmups: int, passes: int) -> dict[str, Any]:
    """Each query of ``mix`` sent ``warmups`` times untimed, then ``passes`` timed passes, each
    after one expert's profile was edited. Timings in ms, per query."""
    process, port = start_server(n, baseline=baseline)
    client = Client(port)
    timings: list[list[float]] = [[] for _ in mix]
    answers: list[dict[str, Any]] = []
    first_request_ms = 0.0
    try:
        for index, query in enumerate(mix):
            elapsed, status, body = client.get(path_of(query))
            if index == 0:
                first_request_ms = elapsed
            if status != 200:
                raise RuntimeError(f"{'baseline' if baseline else 'hub'} answered {status} to {path_of(query)}: "
                                   f"{body[:300]!r}")  # fmt: skip
            answer = json.loads(body)
            if not {"count", "results", "facets"} <= answer.keys():
                raise RuntimeError(f"no count, results and facets in the answer to {path_of(query)}")
            answers.append({"index": index, "count": answer["count"], "facets": sorted(answer["facets"])})
        for _warmup in range(warmups - 1):
            for query in mix:
                client.get(path_of(query))
        for _pass in range(passes):
            edit_one_expert(n)
            for index, query in enumerate(mix):
                elapsed, status, _body = client.get(path_of(query))
                assert status == 200
                timings[index].append(elapsed)
    finally:
        client.close()
        stop_server(process)
    return {"timings": timings, "answers": answers, "first_request_ms": round(first_request_ms, 1)}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "requests": len(values),
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def rows_of(server: str, n: int, mix: list[dict[str, Any]], timings: list[list[float]]) -> list[dict[str, Any]]:
    rows = []
    for kind in (*CLASSES, "all"):
        values = [
            t for query, found in zip(mix, timings, strict=True) if kind in ("all", query["class"]) for t in found
        ]
        if values:
            rows.append({"server": server, "n": n, "class": kind, **summary(values)})
    # The spread of the overall p95 between passes: how much one pass's figure can be trusted.
    per_pass = [[found[i] for found in timings if len(found) > i] for i in range(max(map(len, timings)))]
    rows[-1]["p95_per_pass_ms"] = [round(percentile(values, 0.95), 2) for values in per_pass if values]
    return rows


def probe(n: int, mix: list[dict[str, Any]], sample: list[int], slowest: list[int]) -> dict[str, Any]:
    """SQL queries per request (all of the Hub's, the baseline's sample) and the slowest requests' plans."""
    order = {"hub": list(range(len(mix))), "baseline": sample, "explain": slowest}
    out = subprocess.run(
        [PYTHON, "-m", "bench.search_probe"],
        input=json.dumps({"paths": [path_of(query) for query in mix], **order}),
        cwd=ROOT, env=server_env(n, baseline=True), check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    found["baseline_of"] = sample
    return found


def stratified(mix: list[dict[str, Any]], every: int) -> list[int]:
    """Every ``every``-th query of each class (its first included), so the sample keeps the mix's classes."""
    chosen = []
    for kind in CLASSES:
        indexes = [index for index, query in enumerate(mix) if query["class"] == kind]
        chosen += indexes[::every]
    return sorted(chosen)


# --- Report ---------------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = ["server", "n", "class", "requests", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "queries"]
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    print("  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True)))
    for line in cells:
        print("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)))


def queries_cell(counts: list[int]) -> str:
    return "" if not counts else str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"


def target_lines(rows: list[dict[str, Any]], queries: dict[int, dict[str, list[int]]]) -> list[str]:
    n = max(row["n"] for row in rows)
    at = {(row["server"], row["class"]): row for row in rows if row["n"] == n}
    hub, baseline = at.get(("hub", "all")), at.get(("baseline", "all"))
    lines = []
    if hub:
        verdict = "met" if hub["p95_ms"] <= TARGET_P95_MS else "MISSED"
        lines.append(f"At N = {n:,}: hub p95 {hub['p95_ms']} ms (target <= {TARGET_P95_MS:g} ms): {verdict}")
    if hub and baseline:
        # Over the same requests: the baseline's sample, timed on the Hub too.
        same = at.get(("hub", "sample"))
        hub_p95 = same["p95_ms"] if same else hub["p95_ms"]
        ratio = baseline["p95_ms"] / hub_p95
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        lines.append(f"At N = {n:,}: baseline/hub p95 {ratio:.1f} x over the same requests "
                     f"({baseline['p95_ms']} vs {hub_p95} ms; target >= {TARGET_RATIO:g}): {verdict}")  # fmt: skip
    counts = {side: sorted({count for found in queries.values() for count in found.get(side, [])})
              for side in ("hub", "hub-seen", "baseline")}  # fmt: skip
    if counts["hub"]:
        # Constant: a small number that grows neither with N nor with the taxonomy (the baseline's
        # grows with every facet value: one COUNT each).
        steady = len({tuple(sorted(set(found.get("hub", [])))) for found in queries.values()}) == 1
        verdict = "met" if steady and max(counts["hub"]) <= MAX_HUB_QUERIES else "MISSED"
        lines.append(f"SQL queries per request, every N and query: hub {queries_cell(counts['hub'])} "
                     f"(words seen before: {queries_cell(counts['hub-seen'])}), baseline "
                     f"{queries_cell(counts['baseline'])} (target: constant at every N): {verdict}")  # fmt: skip
    return lines


def plot(rows: list[dict[str, Any]]) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plots", file=sys.stderr)
        return []
    IMAGES.mkdir(parents=True, exist_ok=True)
    made = []
    figure, axis = plt.subplots(figsize=(6, 4))
    for server, style in (("hub", "o-"), ("baseline", "s-")):
        for metric, dashes in (("p95_ms", "-"), ("p50_ms", ":")):
            points = sorted(
                (row["n"], row[metric]) for row in rows if row["server"] == server and row["class"] == "all"
            )
            if points:
                axis.plot(*zip(*points, strict=True), style[:1] + dashes, label=f"{server} {metric[:3]}")
    axis.axhline(TARGET_P95_MS, color="grey", linewidth=0.8, linestyle="--", label="target p95 (hub)")
    axis.set_xlabel("experts (N)")
    axis.set_ylabel("latency per request (ms)")
    axis.set_yscale("log")
    axis.set_xscale("log")
    axis.grid(True, alpha=0.3, which="both")
    axis.legend(fontsize=8)
    axis.set_title("Expert search: first page + every facet count")
    path = IMAGES / "bench-search.png"
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    made.append(str(path.relative_to(ROOT)))

    n = max(row["n"] for row in rows)
    figure, axis = plt.subplots(figsize=(7, 4))
    width = 0.4
    for offset, server in ((-width / 2, "hub"), (width / 2, "baseline")):
        at = {row["class"]: row["p95_ms"] for row in rows if row["server"] == server and row["n"] == n}
        axis.bar([i + offset for i in range(len(CLASSES))], [at.get(kind, 0) for kind in CLASSES], width, label=server)
    axis.set_xticks(range(len(CLASSES)), [kind.replace("_", " ") for kind in CLASSES], rotation=20, fontsize=8)
    axis.set_yscale("log")
    axis.set_ylabel(f"p95 at N = {n:,} (ms)")
    axis.axhline(TARGET_P95_MS, color="grey", linewidth=0.8, linestyle="--")
    axis.grid(True, alpha=0.3, axis="y")
    axis.legend()
    path = IMAGES / "bench-search-classes.png"
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    made.append(str(path.relative_to(ROOT)))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k experts, one warm-up and one pass of each")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--baseline-every", type=int, default=10, help="baseline: every k-th query per class")
    parser.add_argument("--baseline-passes", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(size) for size in args.sizes.split(",")]
    warmups, passes = (1, 1) if args.quick else (args.warmups, args.passes)
    if (cpus := os.cpu_count()) and cpus > CLIENT_CPU:
        os.sched_setaffinity(0, {CLIENT_CPU})
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    queries: dict[int, dict[str, list[int]]] = {}
    details: dict[int, dict[str, Any]] = {}
    mix: list[dict[str, Any]] = []

    def finish() -> None:
        """The table, targets, plots and JSON of the sizes done so far (a later size failing keeps them)."""
        servers = ["hub", "baseline"]
        rows.sort(
            key=lambda row: (row["n"], servers.index(row["server"]), [*CLASSES, "sample", "all"].index(row["class"]))
        )
        print_table(rows)
        targets = target_lines(rows, queries)
        for line in targets:
            print(line)
        plots = plot(rows)
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / ("search-quick.json" if args.quick else "search.json")
        machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                   "postgresql": psql("SHOW server_version")}  # fmt: skip
        out.write_text(
            json.dumps(
                {
                    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "seconds": round(time.monotonic() - started),
                    "machine": machine,
                    "plan": {
                        "sizes": sizes,
                        "seed": SEED,
                        "queries": len(mix),
                        "warmups": warmups,
                        "passes": passes,
                        "baseline_every": args.baseline_every,
                        "baseline_passes": args.baseline_passes,
                    },
                    "rows": rows,
                    "targets": targets,
                    "queries_per_request": {
                        str(n): {k: sorted(set(v)) for k, v in q.items()} for n, q in queries.items()
                    },
                    "mix": mix,
                    "details": {str(n): detail for n, detail in details.items()},
                    "plots": plots,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        print(f"(written {out.relative_to(ROOT)}; {time.monotonic() - started:.0f} s)", file=sys.stderr)

    for n in sizes:
        seeded = ensure_seeded(n)
        mix = query_mix(taxonomy(n))
        sample = stratified(mix, args.baseline_every)
        print(f"… N={n:,}: hub, {len(mix)} queries x {passes} passes", file=sys.stderr, flush=True)
        hub = measure(n, mix, baseline=False, warmups=warmups, passes=passes)
        rows += rows_of("hub", n, mix, hub["timings"])
        # The Hub over the baseline's sample only: the ratio compares the same requests.
        sampled = [hub["timings"][index] for index in sample]
        rows.append({"server": "hub", "n": n, "class": "sample",
                     **summary([t for found in sampled for t in found])})  # fmt: skip
        slowest = sorted(range(len(mix)), key=lambda index: -statistics.median(hub["timings"][index]))[:3]
        base: dict[str, Any] = {}
        if not args.no_baseline:
            print(f"… N={n:,}: baseline, {len(sample)} queries x {args.baseline_passes} passes",
                  file=sys.stderr, flush=True)  # fmt: skip
            sub = [mix[index] for index in sample]
            base = measure(n, sub, baseline=True, warmups=1, passes=args.baseline_passes)
            rows += rows_of("baseline", n, sub, base["timings"])
        found = probe(n, mix, [] if args.no_baseline else sample[:: max(1, len(sample) // len(CLASSES))], slowest)
        queries[n] = {"hub": found["hub"], "hub-seen": found["hub_seen"], "baseline": found["baseline"]}
        counted = {
            "hub": dict(zip(range(len(mix)), found["hub"], strict=True)),
            "baseline": dict(zip(found["baseline_of"], found["baseline"], strict=True)),
        }
        for row in rows:
            if row["n"] == n and row["class"] in CLASSES:
                of_class = [count for i, count in counted[row["server"]].items() if mix[i]["class"] == row["class"]]
                row["queries"] = queries_cell(of_class)
        details[n] = {
            "seeded_seconds": seeded,
            # The first search of a fresh server process: it loads the directory index.
            "first_request_ms": hub["first_request_ms"],
            # The machine is shared: its load when this size was done (1, 5, 15 minutes).
            "load_average": [round(load, 2) for load in os.getloadavg()],
            "hub_answers": hub["answers"],
            "hub_queries": found["hub"],
            "baseline_answers": base.get("answers"),
            "slowest": [
                {
                    "path": path_of(mix[index]),
                    "class": mix[index]["class"],
                    "median_ms": round(statistics.median(hub["timings"][index]), 2),
                }
                for index in slowest
            ],
            "explain": found["explain"],
        }
        finish()


if __name__ == "__main__":
    main()
