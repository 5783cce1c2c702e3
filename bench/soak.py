"""``make soak``: a reconnect storm and a long quiet-but-alive space, on two Hub processes.

1. Reconnect storm: 1,000 clients that all resume at once (``?after=0`` on a space with 100
   messages), through ``bench.storms``' load generator. Every one must get its hello and all 100
   messages in order; reports failures, order errors, the time to serve them all, and the most
   PostgreSQL connections the Hub held meanwhile.
2. Soak: 500 idle sockets and 50 chatty ones (one message each every 5 s) for some minutes;
   samples the servers' memory and Redis's key count, which must stay flat (within 10 %).
"""

import argparse
import asyncio
import json
import subprocess
import time
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection

from bench.run import (
    REDIS_URL,
    ROOT,
    Servers,
    ensure_database,
    free_port,
    hub_env,
    hub_server,
    prepare_hub,
    rss_kib,
    wait_http,
)
from bench.storms import BEHIND, client_cpus, close_storm, run_storm

PYTHON_ENV = hub_env()


def db_connections() -> int:
    name = PYTHON_ENV["DATABASE_URL"].rsplit("/", 1)[1]
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'",  # noqa: S608 (our own setting)
        ],
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip() or 0)


def redis_keys() -> int:
    db = REDIS_URL.rsplit("/", 1)[1]
    return int(subprocess.run(["redis-cli", "-n", db, "dbsize"], capture_output=True, text=True).stdout.strip())


async def open_client(url: str, token: str, after: int | None = None) -> ClientConnection:
    query = f"?after={after}" if after is not None else ""
    return await websockets.connect(
        f"{url}{query}",
        additional_headers={"Authorization": f"Token {token}"},
        max_size=2**22,
        open_timeout=60,
        ping_interval=None,
    )


async def storm(servers: Servers, tokens: list[str], messages: int) -> dict[str, Any]:
    urls = servers.urls
    # Five posters, 20 messages each: within the per-user rate limit.
    posters = [await open_client(urls[0], token) for token in tokens[:5]]
    for index in range(messages):
        frame = {"type": "message.send", "body": f"m{index}", "client_id": f"s{index}"}
        await posters[index % 5].send(orjson.dumps(frame).decode())
    await asyncio.sleep(3)
    for poster in posters:
        await poster.close()
    peak_connections = 0

    async def watch() -> None:
        nonlocal peak_connections
        while True:
            peak_connections = max(peak_connections, await asyncio.to_thread(db_connections))
            await asyncio.sleep(0.2)

    watcher = asyncio.ensure_future(watch())
    # The resumers are bench.storms' load generator (several processes of compiled clients): one
    # Python process of `websockets` clients took longer to read 100,000 frames than the servers
    # took to send them.
    figures = await asyncio.to_thread(_resume_storm, servers, [*tokens], messages)
    watcher.cancel()
    return {
        "clients": len(tokens),
        "served": figures["done"],
        "failed": figures["failures"],
        "order_errors": figures["order_errors"],
        "seconds": figures["seconds"],
        "client_bound": figures["client_bound"],
        "peak_db_connections": peak_connections,
    }


def _resume_storm(servers: Servers, tokens: list[str | None], messages: int) -> dict[str, Any]:
    """Every client resumes at once with ``?after=0``: each must get all ``messages`` in order."""
    assert messages == BEHIND  # what bench.storms' resumers wait for
    plan = {"client_procs": 4, "client_cpus": client_cpus(), "storm_timeout": 120.0}
    storm = run_storm(servers, tokens, plan, after=0, profile=None)
    close_storm(storm["children"])
    figures: dict[str, Any] = storm["figures"]
    return figures


async def soak(urls: list[str], tokens: list[str], pids: list[int], minutes: float) -> dict[str, Any]:
    idle = list(await asyncio.gather(*(open_client(urls[index % len(urls)], tokens[index]) for index in range(500))))
    chatty = list(
        await asyncio.gather(*(open_client(urls[index % len(urls)], tokens[500 + index]) for index in range(50)))
    )
    drains = [asyncio.ensure_future(_drain(socket)) for socket in idle + chatty]
    samples = []
    stop_at = time.monotonic() + minutes * 60

    async def chat(index: int, socket: ClientConnection) -> None:
        counter = 0
        while time.monotonic() < stop_at:
            await socket.send(
                orjson.dumps(
                    {"type": "message.send", "body": "still here", "client_id": f"c{index}-{counter}"}
                ).decode()
            )
            counter += 1
            await asyncio.sleep(5)

    chatters = [asyncio.ensure_future(chat(index, socket)) for index, socket in enumerate(chatty)]
    while time.monotonic() < stop_at:
        samples.append(
            {
                "t": round(time.monotonic() - (stop_at - minutes * 60)),
                "rss_kib": sum(rss_kib(pid) for pid in pids),
                "redis_keys": redis_keys(),
            }
        )
        await asyncio.sleep(10)
    await asyncio.gather(*chatters, return_exceptions=True)
    # Closed together, while still reading: each close waits for the server's answer.
    await asyncio.gather(*(socket.close() for socket in idle + chatty), return_exceptions=True)
    for task in drains:
        task.cancel()
    first, last = samples[1] if len(samples) > 1 else samples[0], samples[-1]  # after warm-up
    return {
        "minutes": minutes,
        "samples": samples,
        "rss_growth_percent": round(100 * (last["rss_kib"] - first["rss_kib"]) / first["rss_kib"], 1),
        "redis_keys_first_last": [first["redis_keys"], last["redis_keys"]],
    }


async def _drain(socket: ClientConnection) -> None:
    async for _ in socket:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()
    ensure_database()
    tokens = prepare_hub(1000)
    ports = [free_port(), free_port()]
    processes = [hub_server(port, PYTHON_ENV) for port in ports]
    try:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        urls = [f"ws://127.0.0.1:{port}/ws/spaces/bench/" for port in ports]
        result = {"storm": asyncio.run(storm(Servers("hub-2proc", processes, urls), tokens, messages=100))}
        print(json.dumps(result["storm"]), flush=True)
        result["soak"] = asyncio.run(soak(urls, tokens, [process.pid for process in processes], args.minutes))
        print(json.dumps({key: value for key, value in result["soak"].items() if key != "samples"}), flush=True)
        (ROOT / "bench" / "results" / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
