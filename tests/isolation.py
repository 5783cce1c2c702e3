"""The Redis database and PostgreSQL test database of one test run, so that runs at once never meet.

``tests/settings.py`` calls :func:`claim_test_run` before the Hub's settings read the environment.
Everything a run keeps in Redis (channel layer, cache, Celery broker, presence) lives in the database
that ``REDIS_URL`` names, and the suite empties that database before every test: two runs must never
share one. So a run takes a database of that server which no other client is connected to, and
holds a connection named ``hub-test-run`` on it until the process ends; other runs see that
connection and pass on. Two runs that try the same database at the same instant are told apart by
a ``SET NX`` key: the one that sets it goes on to check and name its connection, the other moves on.

The run's PostgreSQL test database and channel-layer prefix are named after its Redis database
(``test_hub_15``, ``hub-test-15``), so they are taken and given back with it. A database left
behind by a killed run is replaced by the next run that takes the same number.

This module must not import Django: it runs before the settings exist.
"""

import atexit
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

CLAIM_NAME = "hub-test-run"
CHECKING_NAME = "hub-test-checking"  # a run's connection while it checks a database: not a claim
# Set (NX, for at most a minute) while one run checks a database, so that no other checks it then.
CLAIMING_KEY = "hub-test-run:claiming"
_RELEASE_IF_MINE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
# Set by the process that claimed the database, for processes it starts with the same settings
# (pytest-xdist workers): they use that database rather than claim one of their own.
CLAIMED_DB_ENV = "HUB_TEST_REDIS_DB"
# What test runs write, so what a killed run may have left: channel-layer and presence keys under
# the run's prefix, Django's cache (":1:"), Celery's queues, and the presence unit test's keys.
_TEST_RUN_KEYS = (b"hub-test", b":1:", b"celery", b"_kombu.", b"unacked", b"presence-test:")
_KEEPALIVE_SECONDS = 20


@dataclass
class IsolatedRun:
    redis_url: str
    redis_db: int
    passed_over: list[str] = field(default_factory=list)

    @property
    def channel_layer_prefix(self) -> str:
        return f"hub-test-{self.redis_db}"

    def test_database_name(self, name: str) -> str:
        return f"test_{name}_{self.redis_db}"


def claim_test_run() -> IsolatedRun | None:
    """Claim a Redis database for this run (services mode), and point ``REDIS_URL`` at it."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    if CLAIMED_DB_ENV in os.environ:
        run = IsolatedRun(redis_url=url, redis_db=int(os.environ[CLAIMED_DB_ENV]))
    else:
        run = _claim(url)
        os.environ[CLAIMED_DB_ENV] = str(run.redis_db)
    os.environ["REDIS_URL"] = run.redis_url = redis_url_with_db(url, run.redis_db)
    return run


def redis_url_with_db(url: str, db: int) -> str:
    """``url`` with its database number replaced (the path, or ``?db=`` for unix sockets)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    if parts.scheme == "unix":
        return urlunsplit(parts._replace(query=urlencode([*query, ("db", str(db))])))
    return urlunsplit(parts._replace(path=f"/{db}", query=urlencode(query)))


def _requested_db(url: str) -> int | None:
    parts = urlsplit(url)
    asked = dict(parse_qsl(parts.query)).get("db") or parts.path.strip("/")
    return int(asked) if asked.isdigit() else None


def _claim(url: str) -> IsolatedRun:
    import redis

    probe = redis.Redis.from_url(redis_url_with_db(url, 0), socket_connect_timeout=5)
    try:
        count = int(probe.config_get("databases").get("databases") or 16)
    except redis.ResponseError:  # CONFIG is often refused on managed servers
        count = 16
    except redis.RedisError as error:
        raise RuntimeError(f"Redis at {_where(url)}: {error}") from error
    finally:
        probe.close()

    requested = _requested_db(url)
    # Database 0 is where applications keep their data: a run uses it only when told to.
    candidates = [requested] if requested is not None else []
    candidates += [db for db in range(count - 1, 0, -1) if db != requested]
    passed_over: list[str] = []
    for db in candidates:
        client = redis.Redis.from_url(
            redis_url_with_db(url, db),
            single_connection_client=True,
            client_name=CHECKING_NAME,
            socket_connect_timeout=5,
        )
        token = uuid.uuid4().hex
        try:
            if not client.set(CLAIMING_KEY, token, nx=True, px=60_000):
                taken: str | None = "is being taken by another test run"
            else:
                taken = _why_taken(client, db)
                if taken is None:
                    # Named before the key goes: whoever sets the key next sees this connection.
                    client.client_setname(CLAIM_NAME)
                    client.connection_pool.connection_kwargs["client_name"] = CLAIM_NAME
                    if client.connection is not None:
                        client.connection.client_name = CLAIM_NAME  # a reconnect names itself again
                client.eval(_RELEASE_IF_MINE, 1, CLAIMING_KEY, token)
        except redis.ResponseError as error:  # CLIENT LIST or EVAL refused: no way to see other runs
            print(f"Cannot check Redis db {db} for other test runs ({error}): using it unchecked.", file=sys.stderr)
            taken = None
        if taken is None:
            _hold(client)
            return IsolatedRun(redis_url=url, redis_db=db, passed_over=passed_over)
        client.close()
        passed_over.append(f"db {db} {taken}")
    raise RuntimeError(
        f"No free Redis database for this test run at {_where(url)}: " + "; ".join(passed_over) + ". "
        "Wait for the other runs, or empty a database you know is stale (redis-cli -n N flushdb)."
    )


def _why_taken(client, db: int) -> str | None:
    """Why ``db`` is not this run's to use, or None. Call holding ``CLAIMING_KEY``."""
    mine = client.client_id()
    others = [
        entry
        for entry in client.client_list()
        if int(entry["db"]) == db and int(entry["id"]) != mine and entry["name"] != CHECKING_NAME
    ]
    if any(entry["name"] == CLAIM_NAME for entry in others):
        return "is another test run's"
    if others:
        return f"has {len(others)} other client(s) connected ({others[0]['addr']})"
    for key in islice(client.scan_iter(count=1000), 1000):
        if not key.startswith(_TEST_RUN_KEYS) and not key.endswith(b".reply.celery.pidbox"):
            return f"holds keys no test run writes ({key[:60]!r})"
    return None


def _hold(client) -> None:
    """Keep the claim for the life of the process; give the database back empty at exit."""

    def keep_alive() -> None:
        # A server with an idle `timeout` would drop the claim; redis-py reconnects with the name.
        pause = threading.Event()
        while not pause.wait(_KEEPALIVE_SECONDS):
            try:
                client.ping()
            except Exception:  # noqa: S112 (the next ping reconnects)
                continue

    def release() -> None:
        try:
            client.flushdb()
            client.close()
        except Exception as error:
            print(f"Could not empty the test run's Redis database: {error}", file=sys.stderr)

    threading.Thread(target=keep_alive, name="hub-test-run-claim", daemon=True).start()
    atexit.register(release)


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
