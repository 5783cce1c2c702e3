"""Screenshots of the Hub in Arabic and Chinese for the docs (``docs/img/screenshot-*.png``).

``python scripts/screenshots.py`` (from the repository root, with the project's virtualenv):

1. makes a fresh PostgreSQL database (dropped first if it exists), migrates it and fills it with
   ``manage.py seed_demo`` (a fixed seed, so the same Hub each time);
2. compiles the translation catalogs (``manage.py compile_catalogs``) and collects the static
   files into a temporary directory;
3. serves the Hub as production does (``python -m config.serve``, DEBUG off);
4. opens the objective 9 page (anonymous) and the objective 9 discussion space (logged in as the
   demo staff user, so the message box shows) in Arabic and in Simplified Chinese, chosen with
   the ``django_language`` cookie as the language picker does, in Debian's Chromium
   (``/usr/bin/chromium``; Playwright's own browsers are never downloaded), with fonts for
   Chinese and emoji installed (Debian: ``fonts-wqy-microhei``, ``fonts-noto-color-emoji``);
5. writes PNGs of each page from its top, 1280 pixels wide, cut at ``--max-height`` pixels.

Options: ``--database-url`` (default ``postgres://postgres@127.0.0.1:5432/hub_shots``; the
database is dropped and made again), ``--redis-url`` (default none: the in-process channel
layer), ``--out`` (default ``docs/img``).
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
LANGUAGES = {"ar": "ar", "zh-hans": "zh"}  # Django's language code: the file name's suffix
OBJECTIVE_PATH = "/objectives/9/"
SPACE_PATH = "/spaces/objective-9/"
STAFF_USERNAME = "admin"  # accounts.demo.DEMO_STAFF_USERNAME
STAFF_PASSWORD = "hub-demo-password"  # noqa: S105 (accounts.demo.DEMO_USER_PASSWORD, printed by seed_demo)
# fontconfig's query for each script the pages show: the Debian package that provides a font for it.
FONTS = {
    ":lang=zh": "fonts-wqy-microhei",
    ":lang=ar": "fonts-dejavu-core",
    "Noto Color Emoji": "fonts-noto-color-emoji",
}
SEED_ARGS = ["--experts", "300", "--resources", "100", "--events", "30", "--users", "50", "--seed", "2018"]
# The Hub's settings that must come from this script alone, never from the caller's shell.
HUB_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                "DJANGO_SETTINGS_MODULE", "HUB_VAR_DIR", "CELERY_BROKER_URL", "CHANNEL_LAYER_PREFIX")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hub_shots")
    parser.add_argument("--redis-url", default="", help="a Redis database of this script's own (optional)")
    parser.add_argument("--channel-layer-prefix", default="hub-shots")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--max-height", type=int, default=2500, help="cut taller pages at this height (pixels)")
    args = parser.parse_args()
    check_fonts()

    with tempfile.TemporaryDirectory(prefix="hub-screenshots-") as var_dir:
        env = hub_env(args.database_url, args.redis_url, args.channel_layer_prefix, Path(var_dir))
        recreate_database(args.database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", *SEED_ARGS, "--no-progress", "-v0")
        manage(env, "compile_catalogs")
        manage(env, "collectstatic", "--noinput", "-v0")
        with served_hub(env, Path(var_dir) / "uvicorn.log") as hub_url:
            args.out.mkdir(parents=True, exist_ok=True)
            for written in take_screenshots(hub_url, args.out, args.max_height):
                print(f"wrote {written.relative_to(ROOT) if written.is_relative_to(ROOT) else written}")


def hub_env(database_url: str, redis_url: str, prefix: str, var_dir: Path) -> dict[str, str]:
    """The caller's environment without any Hub setting, plus production-like settings of our own."""
    env = {key: value for key, value in os.environ.items() if key not in HUB_SETTINGS}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=database_url,
        CHANNEL_LAYER_PREFIX=prefix,
        HUB_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def recreate_database(database_url: str) -> None:
    """Drops the URL's database if it exists and makes it again, empty."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = unquote(parts.path.rpartition("/")[2])
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to drop the database {name!r}: name one of this script's own")
    maintenance = urlunsplit(parts._replace(path=parts.path.rpartition("/")[0] + "/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603  # our interpreter


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served_hub(env: dict[str, str], log: Path, timeout: float = 60) -> Iterator[str]:
    """``python -m config.serve`` on a free port; yields its URL (``localhost``, where Chromium
    keeps the ``Secure`` session cookie that DEBUG off sets over plain HTTP)."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603  # our own interpreter, fixed arguments
            [sys.executable, "-m", "config.serve", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log, timeout)
        yield f"http://localhost:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Hub exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (the loopback server just started)
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s:\n{log.read_text()[-4000:]}")


def take_screenshots(hub_url: str, out: Path, max_height: int) -> Iterator[Path]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            for language, suffix in LANGUAGES.items():
                context = browser.new_context(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1)
                context.add_cookies([{"name": "django_language", "value": language, "url": hub_url}])
                page = context.new_page()

                page.goto(f"{hub_url}{OBJECTIVE_PATH}")
                page.wait_for_load_state("networkidle")
                check_language(page, language)
                yield shoot(page, out / f"screenshot-objective-9-{suffix}.png", max_height)

                log_in(page, hub_url)
                page.goto(f"{hub_url}{SPACE_PATH}")
                page.wait_for_selector("#log .message")
                page.wait_for_selector("#composer-body")
                page.wait_for_load_state("networkidle")
                check_language(page, language)
                yield shoot(page, out / f"screenshot-space-{suffix}.png", max_height)
                context.close()
        finally:
            browser.close()


def log_in(page: Any, hub_url: str) -> None:
    page.goto(f"{hub_url}/accounts/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{hub_url}/")


def check_language(page: Any, language: str) -> None:
    """The page must be served in ``language`` (right to left for Arabic), or the picture is wrong."""
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    expected_direction = "rtl" if language == "ar" else "ltr"
    if lang.lower() != language or (direction or "ltr") != expected_direction:
        raise SystemExit(f"{page.url}: served as lang={lang!r} dir={direction!r}, not {language!r}")


def shoot(page: Any, path: Path, max_height: int) -> Path:
    """The page from its top in a window 1280 pixels wide and as tall as the page (at most
    ``max_height``); animations and the caret still.

    A window that tall rather than Playwright's stitched ``full_page``: the chat's sticky message
    box then sits at the window's bottom, as in a browser, instead of over a message mid-page.
    """
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(height, max_height)})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)  # layout (and the message box's ResizeObserver) settle at the new size
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def check_fonts() -> None:
    """Without fonts for Chinese and emoji, Chromium draws boxes (and the screenshots look broken)."""
    for query, package in FONTS.items():
        listing = subprocess.run(["fc-list", query], capture_output=True, text=True, check=False)  # noqa: S603, S607
        if not listing.stdout.strip():
            raise SystemExit(f"no font for {query!r}: install one (Debian: apt-get install {package})")


if __name__ == "__main__":
    main()
