"""A Redis primary, its replica and three Sentinels of the test's own, on spare loopback ports.

Sentinel is ``redis-server --sentinel`` (what Debian's ``redis-sentinel`` runs), with a quorum of
2 and a primary declared down after one second without an answer, so that a failover takes a few
seconds. Every process is the test's: stopping them never touches the shared Redis.
"""

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.conftest import free_port
from tests.e2e.processes import start_redis, wait_until

MASTER_NAME = "hubmaster"
DOWN_AFTER_MILLISECONDS = 1000
FAILOVER_TIMEOUT_MILLISECONDS = 10_000
START_TIMEOUT_SECONDS = 30


@dataclass
class SentinelSet:
    primary: subprocess.Popen
    primary_port: int
    replica: subprocess.Popen
    replica_port: int
    sentinels: list[tuple[subprocess.Popen, int]] = field(default_factory=list)

    def hub_env(self, db: int = 0) -> dict[str, str]:
        """The Hub's settings for this set: the sentinels, the master's name, the database. REDIS_URL
        names the primary on purpose: a client that used it instead of Sentinel would stay with the
        dead primary after the failover."""
        return {
            "REDIS_SENTINELS": ",".join(f"127.0.0.1:{port}" for _process, port in self.sentinels),
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            "REDIS_URL": f"redis://127.0.0.1:{self.primary_port}/{db}",
        }

    def master_port(self) -> int | None:
        """The master's port as the first sentinel that answers names it."""
        for _process, port in self.sentinels:
            client = redis.Redis(port=port, socket_timeout=2, decode_responses=True)
            try:
                address = client.sentinel_get_master_addr_by_name(MASTER_NAME)
            except redis.RedisError:
                continue
            finally:
                client.close()
            if isinstance(address, tuple):  # (host, port); redis-py types a reply for every option
                return int(address[1])
        return None

    def stop(self) -> None:
        for process in [self.primary, self.replica, *(process for process, _port in self.sentinels)]:
            if process.poll() is None:
                process.kill()
            process.wait()


def start_sentinel_set(directory: Path) -> SentinelSet:
    primary_port, replica_port = free_port(), free_port()
    primary = start_redis(primary_port)
    replica = _start_replica(replica_port, primary_port, directory)
    cluster = SentinelSet(primary, primary_port, replica, replica_port)
    try:
        for index in range(3):
            port = free_port()
            cluster.sentinels.append((_start_sentinel(directory / f"sentinel-{index}.conf", port, primary_port), port))
        if not wait_until(lambda: _ready(cluster), timeout=START_TIMEOUT_SECONDS, interval=0.2):
            raise RuntimeError("the sentinels did not see the replica and one another in time")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_replica(port: int, primary_port: int, directory: Path) -> subprocess.Popen:
    # A replica writes the copy its primary sends it to disk (dump.rdb): in the test's directory.
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--replicaof", "127.0.0.1", str(primary_port), "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port, decode_responses=True)

    def in_sync() -> bool:
        try:
            return client.info("replication").get("master_link_status") == "up"
        except redis.ConnectionError:
            return False

    if not wait_until(in_sync, timeout=START_TIMEOUT_SECONDS, interval=0.1):
        process.kill()
        raise RuntimeError(f"the replica on port {port} did not sync with its primary")
    client.close()
    return process


def _start_sentinel(config: Path, port: int, primary_port: int) -> subprocess.Popen:
    # Sentinel rewrites its configuration file as it learns: one file of its own each.
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {config.parent}\n"
        f"sentinel monitor {MASTER_NAME} 127.0.0.1 {primary_port} 2\n"
        f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MILLISECONDS}\n"
        f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MILLISECONDS}\n"
        f"sentinel parallel-syncs {MASTER_NAME} 1\n"
    )
    return subprocess.Popen(
        ["redis-server", str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _ready(cluster: SentinelSet) -> bool:
    for _process, port in cluster.sentinels:
        client = redis.Redis(port=port, socket_timeout=2, decode_responses=True)
        try:
            master = client.sentinel_master(MASTER_NAME)
        except redis.RedisError:
            return False
        finally:
            client.close()
        # Each knows the replica and the two other sentinels (through the primary's hello channel).
        if not isinstance(master, dict):
            return False
        if int(master.get("num-slaves", 0)) < 1 or int(master.get("num-other-sentinels", 0)) < 2:
            return False
    return True
