"""Real server and worker processes for end-to-end tests."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
_HUB_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
            "DJANGO_SETTINGS_MODULE", "HUB_VAR_DIR", "CELERY_BROKER_URL", "LOG_FORMAT",
            "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "CELERY_BROKER_DB")  # fmt: skip


def clean_env(**overrides: str) -> dict[str, str]:
    """The parent's environment without any Hub setting, plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if key not in _HUB_ENV}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **overrides}


def test_database_url() -> str:
    """The URL of the database pytest-django made, for processes that must see the test's data.

    The run's own ``DATABASE_URL`` with only the database name changed: user, password, host, port
    and options (``?sslmode=…``) reach the child exactly as they were given, escapes included.
    """
    parts = urlsplit(os.environ["DATABASE_URL"])
    # A socket directory may come first in the path (postgres:///%2Fvar%2Frun%2Fpostgresql/hub).
    directory = parts.path.rpartition("/")[0]
    name = quote(settings.DATABASES["default"]["NAME"], safe="")
    return urlunsplit(parts._replace(path=f"{directory}/{name}"))


def services_env(**overrides: str) -> dict[str, str]:
    """Settings for server processes that share the test's database and Redis (unless overridden)."""
    defaults = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYER_PREFIX,
        "LOG_LEVEL": "WARNING",
    }
    return clean_env(**{**defaults, **overrides})


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Own session, so that stopping it stops whatever it started (make → honcho → uvicorn, celery).
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback test server)
                return
        except urllib.error.HTTPError:
            return  # it answers; the status is the test's business
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s:\n{log.read_text()[-4000:]}")


def start_uvicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    args = [sys.executable, "-m", "config.serve", "--port", str(port)]
    process = spawn(args, env, log)
    wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log)
    return process, port


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    args = [str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO"]
    return spawn(args, env, log)


def wait_until(predicate, timeout: float = 30, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of the test's own on a loopback port (never the shared one), ready to use."""
    import redis

    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    if not wait_until(lambda: _answers(client), timeout=10, interval=0.05):
        process.kill()
        raise RuntimeError(f"redis-server on port {port} did not start")
    client.close()
    return process


def _answers(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")
