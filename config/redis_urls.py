"""Where the Hub's Redis is: one server (``REDIS_URL``), or the master that Redis Sentinel names.

With ``REDIS_SENTINELS=host:port,host:port`` and ``REDIS_SENTINEL_MASTER=name``, every Redis
client of the Hub asks the sentinels for the current master, and asks again when its connection
fails, so that a failover (Sentinel promoting a replica) is followed without a restart:

- the channel layer: channels_redis's own Sentinel support (``sentinels`` and ``master_name``);
- the cache: Django's ``RedisCache`` with ``SentinelPool`` as its ``pool_class``;
- the Celery broker: kombu's ``sentinel://`` transport with ``master_name`` in its options;
- direct clients (presence, ``/healthz``): ``redis_client`` and ``async_redis_client``.

``REDIS_URL`` then gives only the database number and the password (its host is not used). In
settings, ``REDIS_URL`` becomes a *location* of this module's own,
``redis-sentinel://[:password@]host:port,host:port/master/db``, which ``redis_client`` and
``async_redis_client`` read as they read a ``redis://`` URL; redis-py itself refuses it, so a
client that would bypass Sentinel fails loudly instead of following a dead master.
"""

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import redis
import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel, SentinelConnectionPool

SCHEME = "redis-sentinel"
DEFAULT_SENTINEL_PORT = 26379
# How long a client waits for a sentinel's answer: a dead sentinel must not stall a failover.
SENTINEL_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class SentinelLocation:
    sentinels: tuple[tuple[str, int], ...]
    master_name: str
    db: int = 0
    password: str | None = None

    @property
    def url(self) -> str:
        credentials = f":{quote(self.password, safe='')}@" if self.password else ""
        hosts = ",".join(f"{host}:{port}" for host, port in self.sentinels)
        return f"{SCHEME}://{credentials}{hosts}/{quote(self.master_name, safe='')}/{self.db}"

    def with_db(self, db: int) -> "SentinelLocation":
        return replace(self, db=db)

    def connection_kwargs(self) -> dict[str, Any]:
        """For the master's connections (not the sentinels')."""
        return {"db": self.db, **({"password": self.password} if self.password else {})}

    def sentinel_kwargs(self) -> dict[str, Any]:
        return {"socket_timeout": SENTINEL_TIMEOUT_SECONDS, "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS}


def parse_sentinels(value: str) -> tuple[tuple[str, int], ...]:
    """``"host:port,host"`` → ``(("host", port), ("host", 26379))``."""
    sentinels = []
    for item in value.split(","):
        host, _, port = item.strip().rpartition(":") if ":" in item else (item.strip(), "", "")
        if not host:
            raise ValueError(f"REDIS_SENTINELS: {item!r} is not host:port")
        sentinels.append((host.strip("[]"), int(port) if port else DEFAULT_SENTINEL_PORT))
    return tuple(sentinels)


def sentinel_location(*, sentinels: str, master_name: str, redis_url: str) -> SentinelLocation:
    """The location from the settings' three values; ``redis_url`` lends its database and password."""
    parts = urlsplit(redis_url) if redis_url else None
    db = int(parts.path.strip("/") or 0) if parts else 0
    password = unquote(parts.password) if parts and parts.password else None
    return SentinelLocation(parse_sentinels(sentinels), master_name, db, password)


def parse_location(url: str) -> SentinelLocation | None:
    """The sentinel location ``url`` names, or None for any other URL."""
    scheme, _, rest = url.partition("://")
    if scheme != SCHEME:
        return None
    netloc, _, path = rest.partition("/")
    credentials, _, hosts = netloc.rpartition("@")
    password = unquote(credentials.partition(":")[2]) if credentials else None
    master_name, _, db = path.partition("/")
    return SentinelLocation(parse_sentinels(hosts), unquote(master_name), int(db or 0), password or None)


def channel_layer_host(location: SentinelLocation, **options: Any) -> dict[str, Any]:
    """A ``hosts`` entry of channels_redis for the master behind ``location``."""
    return {
        "sentinels": list(location.sentinels),
        "master_name": location.master_name,
        "sentinel_kwargs": location.sentinel_kwargs(),
        **location.connection_kwargs(),
        **options,
    }


def celery_broker_url(location: SentinelLocation) -> str:
    """kombu's form: one ``sentinel://`` URL per sentinel, ``;``-separated (``master_name`` goes in
    the transport options)."""
    credentials = f":{quote(location.password, safe='')}@" if location.password else ""
    return ";".join(f"sentinel://{credentials}{host}:{port}/{location.db}" for host, port in location.sentinels)


def celery_transport_options(location: SentinelLocation) -> dict[str, Any]:
    return {"master_name": location.master_name, "sentinel_kwargs": location.sentinel_kwargs()}


# redis-py's Sentinel classes are untyped.
def _sync_sentinel(location: SentinelLocation) -> Sentinel:
    return Sentinel(list(location.sentinels), sentinel_kwargs=location.sentinel_kwargs())  # type: ignore[no-untyped-call]


def redis_client(url: str, **options: Any) -> redis.Redis:
    """A client of ``url``: a ``redis://`` URL, or a sentinel location (the current master)."""
    location = parse_location(url)
    if location is None:
        return redis.Redis.from_url(url, **options)
    master: redis.Redis = _sync_sentinel(location).master_for(  # type: ignore[no-untyped-call]
        location.master_name, **location.connection_kwargs(), **options
    )
    return master


def async_redis_client(url: str, **options: Any) -> aioredis.Redis:
    """Like ``redis_client``, for asyncio."""
    location = parse_location(url)
    if location is None:
        return aioredis.Redis.from_url(url, **options)
    sentinel = AsyncSentinel(list(location.sentinels), sentinel_kwargs=location.sentinel_kwargs())  # type: ignore[no-untyped-call]
    master: aioredis.Redis = sentinel.master_for(location.master_name, **location.connection_kwargs(), **options)
    return master


class SentinelPool(SentinelConnectionPool):
    """Django ``RedisCache``'s ``pool_class`` for a sentinel location (its ``LOCATION``)."""

    @classmethod
    def from_url(cls, url: str, **options: Any) -> "SentinelPool":
        location = parse_location(url)
        if location is None:
            raise ValueError(f"not a {SCHEME}:// location: {url}")
        options = {key: value for key, value in options.items() if value is not None}  # Django passes parser_class=None
        return cls(location.master_name, _sync_sentinel(location), **location.connection_kwargs(), **options)
