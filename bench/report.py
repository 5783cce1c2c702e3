"""The table, target ratios and plots of ``make bench`` (``bench/run.py`` measures; this reports)."""

import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "img"


def cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column, "")
    if value is None and column.startswith("steady_p"):
        return "> give-up"  # the percentile fell among deliveries that never came
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = [
        "server",
        "n",
        "throughput_per_s",
        "steady_p50_ms",
        "steady_p99_ms",
        "lost",
        "duplicates_or_reorders",
        "cpu_s_per_1000",
        "rss_kib_per_connection",
        "idle_cpu_percent",
        "client_bound",
        "stored",
    ]
    widths = {column: max(len(column), *(len(cell(row, column)) for row in rows)) for column in columns}
    print("  ".join(column.ljust(widths[column]) for column in columns))
    for row in rows:
        print("  ".join(cell(row, column).ljust(widths[column]) for column in columns))


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
    for metric, label, log in (
        ("throughput_per_s", "deliveries per second (burst)", True),
        ("steady_p99_ms", "steady p99 latency (ms)", True),
        ("cpu_s_per_1000", "server CPU-seconds per 1,000 deliveries", True),
        ("rss_kib_per_connection", "server memory per connection (KiB)", False),
    ):
        figure, axis = plt.subplots(figsize=(6, 4))
        for server in sorted({row["server"] for row in rows}):
            points = sorted((row["n"], row[metric]) for row in rows if row["server"] == server and row.get(metric))
            if points:
                axis.plot(*zip(*points, strict=True), marker="o", label=server)
        axis.set_xlabel("connected clients (N)")
        axis.set_ylabel(label)
        if log:
            axis.set_yscale("log")
        axis.grid(True, alpha=0.3)
        axis.legend()
        path = IMAGES / f"bench-{metric.replace('_', '-')}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)
        made.append(str(path.relative_to(ROOT)))
    return made


def median_rows(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from several runs of one (server, N): medians, and the worst of loss and order."""
    row = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        values: list[Any] = [run.get(key) for run in runs]
        if key in ("lost", "duplicates_or_reorders", "seq_gaps"):
            row[key] = max(values)
        elif None not in values:
            row[key] = statistics.median(values)
    row["client_bound"] = any(run["client_bound"] for run in runs)
    row["complete"] = all(run["complete"] for run in runs)
    if "stored" in row:
        row["stored"] = all(run["stored"] for run in runs)
    row["runs"] = len(runs)
    return row


def target_lines(rows: list[dict[str, Any]], n: int = 500) -> list[str]:
    """The issue's targets at N = 500, as ratios to the baselines of the same run."""
    at = {row["server"]: row for row in rows if row["n"] == n}
    hub, peer, limit = at.get("hub"), at.get("peer"), at.get("limit")
    if not (hub and peer and limit):
        return []

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.2f}" if a and b else "n/a"

    return [
        f"At N = {n}: hub/peer throughput {ratio(hub['throughput_per_s'], peer['throughput_per_s'])} (target >= 5), "
        f"hub/limit throughput {ratio(hub['throughput_per_s'], limit['throughput_per_s'])} (target >= 0.5), "
        f"hub/limit steady p99 {ratio(hub['steady_p99_ms'], limit['steady_p99_ms'])} (target <= 3), "
        f"hub idle CPU {hub.get('idle_cpu_percent')} % (target <= 2), lost {hub['lost']}, "
        f"order violations {hub['duplicates_or_reorders'] + hub['seq_gaps']}, stored {hub.get('stored')}."
    ]


# --- Storms (bench/storms.py) ---------------------------------------------------------------------

STORM_COLUMNS = [
    "server",
    "n",
    "connect_s",
    "connect_p50_s",
    "connect_failures",
    "hello_bytes",
    "connect_client_bound",
    "resume_s",
    "resume_failures",
    "resume_order_errors",
    "resume_client_bound",
    "kib_per_idle_socket",
    "quiet_p99_ms",
    "connect_storm_p99_ms",
    "resume_storm_p99_ms",
]


def print_storm_table(rows: list[dict[str, Any]]) -> None:
    def text(row: dict[str, Any], column: str) -> str:
        value = row.get(column)
        return "-" if value is None else str(value)

    widths = {column: max(len(column), *(len(text(row, column)) for row in rows)) for column in STORM_COLUMNS}
    print("  ".join(column.ljust(widths[column]) for column in STORM_COLUMNS))
    for row in sorted(rows, key=lambda row: (row["n"], row["server"])):
        print("  ".join(text(row, column).ljust(widths[column]) for column in STORM_COLUMNS))


def median_storm_rows(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from several runs of one (server, N): medians; the worst of failures and order
    errors; client-bound if any run was; a storm that did not complete in any run has no time."""
    row = {key: value for key, value in runs[0].items() if key not in ("details", "profile")}
    for key, value in row.items():
        if isinstance(value, bool) or key in ("server", "n"):
            continue
        values: list[Any] = [run.get(key) for run in runs]
        present: list[float] = [v for v in values if v is not None]
        if key.endswith(("failures", "order_errors", "gaps")):
            row[key] = max(present, default=0)
        elif len(present) < len(values) and key in ("connect_s", "resume_s"):
            row[key] = None  # a storm that did not complete in every run has no time
        elif present:
            row[key] = round(statistics.median(present), 3)
    for key in ("connect_client_bound", "resume_client_bound"):
        row[key] = any(run[key] for run in runs)
    row["runs"] = len(runs)
    return row


def storm_target_lines(rows: list[dict[str, Any]], n: int = 1000) -> list[str]:
    """The issue's storm targets at N = 1,000, with ratios to the bare server of the same run."""
    at = {row["server"]: row for row in rows if row["n"] == n}
    hub, bare = at.get("hub"), at.get("limit") or {}
    if not hub:
        return []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    connect, resume, kib, quiet = hub["connect_s"], hub["resume_s"], hub["kib_per_idle_socket"], hub["quiet_p99_ms"]
    bare_connect, bare_resume = bare.get("connect_s"), bare.get("resume_s")
    storms = [hub["connect_storm_p99_ms"], hub["resume_storm_p99_ms"]]
    worst = max((value for value in storms if value is not None), default=None)
    connect_ratio = connect / bare_connect if connect and bare_connect else None
    storm_ratio = worst / quiet if worst and quiet else None
    bare_bound = " (the bare row is client-bound: a floor)" if bare.get("connect_client_bound") else ""
    return [
        f"At N = {n}: connect {connect} s (target <= 2: {verdict(connect is not None and connect <= 2)}); "
        f"hub/bare connect {connect_ratio and round(connect_ratio, 2)} (bare {bare_connect} s{bare_bound}; "
        f"target <= 4: {verdict(connect_ratio is not None and connect_ratio <= 4)}); "
        f"resume of 100 messages {resume} s (bare {bare_resume} s; target <= 5: "
        f"{verdict(resume is not None and resume <= 5)}); {kib} KiB per idle socket (target <= 30: "
        f"{verdict(kib <= 30)}); steady p99 quiet {quiet} ms, during the connect storm "
        f"{storms[0]} ms, during the resume storm {storms[1]} ms: worst/quiet "
        f"{storm_ratio and round(storm_ratio, 2)} "
        f"(target <= 3: {verdict(storm_ratio is not None and storm_ratio <= 3)}); "
        f"failures {hub['connect_failures'] + hub['resume_failures']}, order errors {hub['resume_order_errors']}."
    ]


STORM_LABELS = {"limit": "bare websockets", "hub": "hub", "hub-2proc": "hub, 2 processes"}


def plot_storms(rows: list[dict[str, Any]], before: list[dict[str, Any]] | None = None) -> list[str]:
    """One plot per figure against N; ``before``: the Hub's rows of an earlier run, dashed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plots", file=sys.stderr)
        return []
    IMAGES.mkdir(parents=True, exist_ok=True)
    made = []
    for name, metrics, label, log in (
        ("connect", [("connect_s", "")], "seconds until every socket has hello", True),
        ("resume", [("resume_s", "")], "seconds until every resumer has 100", True),
        ("memory", [("kib_per_idle_socket", "")], "server memory per idle socket (KiB)", False),
        (
            "p99",
            [
                ("quiet_p99_ms", " quiet"),
                ("connect_storm_p99_ms", " connect storm"),
                ("resume_storm_p99_ms", " resume storm"),
            ],
            "a connected member's steady p99 (ms)",
            True,
        ),
    ):
        figure, axis = plt.subplots(figsize=(6, 4))
        series = [
            (STORM_LABELS.get(server, server), server, rows, "-") for server in sorted({r["server"] for r in rows})
        ]
        if before:
            series.append(("hub before issue 11", "hub", before, "--"))
        for legend, server, found, style in series:
            for metric, suffix in metrics:
                points = sorted((row["n"], row[metric]) for row in found if row["server"] == server and row.get(metric))
                if points:
                    axis.plot(*zip(*points, strict=True), style, marker="o", label=legend + suffix)
        axis.set_xlabel("sockets in the storm (N)")
        axis.set_ylabel(label)
        axis.set_xscale("log")
        if log:
            axis.set_yscale("log")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize="x-small")
        path = IMAGES / f"bench-storms-{name}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)
        made.append(str(path.relative_to(ROOT)))
    return made
