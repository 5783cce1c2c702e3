"""How long a ban takes to close the banned user's socket on another server process.

The end-to-end tests assert the order of events (the banned socket closes before anything posted
after the ban reaches it); the time is measured here. Two Hub processes share PostgreSQL and
Redis; the banned user's socket is on process B and the moderator's request goes to process A.
Each round: connect, ban over REST, wait for the 4403 close, lift the ban. Prints the median and
p95 of "ban request sent → socket closed" (the request's own time included).

``python -m bench.ban_latency [--rounds N]`` (``make bench`` runs it after the fan-out table).
"""

import argparse
import asyncio
import json
import os
import statistics
import time
import urllib.request

import websockets

from bench.run import RESULTS, ensure_database, hub_env, prepare_hub, start


def staff_token() -> str:
    """A staff user's token in the benchmark database (made once)."""
    os.environ.update(hub_env())
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    staff, _created = User.objects.get_or_create(
        username="bench-staff", defaults={"email": "staff@bench.example", "is_staff": True, "password": "!"}
    )
    key: str = Token.objects.get_or_create(user=staff)[0].key
    return key


def rest(port: int, token: str, method: str, path: str, payload: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (loopback)
        status: int = response.status
        return status


async def one_round(ports: list[int], moderator: str, target_token: str, target: str) -> float:
    """Seconds from sending the ban (to process A) to the socket on process B being closed."""
    url = f"ws://127.0.0.1:{ports[1]}/ws/spaces/bench/"
    loop = asyncio.get_running_loop()
    async with websockets.connect(url, additional_headers={"Authorization": f"Token {target_token}"}) as socket:
        assert json.loads(await socket.recv())["type"] == "hello"
        sent = time.perf_counter()
        elapsed = float("nan")
        answered = loop.run_in_executor(None, rest, ports[0], moderator, "POST", "spaces/bench/bans/",
                                        {"username": target, "reason": "bench"})  # fmt: skip
        try:
            while True:
                await socket.recv()
        except websockets.ConnectionClosed as closed:
            elapsed = time.perf_counter() - sent
            assert closed.rcvd is not None and closed.rcvd.code == 4403, closed
        assert await answered == 201
    await loop.run_in_executor(None, rest, ports[0], moderator, "DELETE", f"spaces/bench/bans/{target}/")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    ensure_database()
    tokens = prepare_hub(1)
    moderator = staff_token()
    servers = start("hub-2proc")
    ports = [int(url.split(":")[2].split("/")[0]) for url in servers.urls]
    try:
        timings = [asyncio.run(one_round(ports, moderator, tokens[0], "bench-0")) for _ in range(args.rounds)]
    finally:
        servers.stop()
    timings_ms = sorted(value * 1000 for value in timings)
    p95 = timings_ms[max(0, round(0.95 * len(timings_ms)) - 1)]
    summary = {"rounds": len(timings_ms), "median_ms": round(statistics.median(timings_ms), 1), "p95_ms": round(p95, 1)}
    print(f"ban → socket closed on the other process: median {summary['median_ms']} ms, p95 {summary['p95_ms']} ms "
          f"over {summary['rounds']} rounds")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ban_latency.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
