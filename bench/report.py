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
