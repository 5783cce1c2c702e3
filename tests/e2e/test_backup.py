"""Backups: ``make backup`` dumps the database (pg_dump, custom format), ``make restore`` loads a
dump into a fresh database, and a Hub started on the restored database serves every space from
where it was: resuming clients get every message in seq order, and posting continues at seq+1.
"""

import asyncio
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from discussions.models import Space
from tests.e2e.processes import ROOT, clean_env, services_env, start_uvicorn, stop
from tests.e2e.processes import test_database_url as the_test_database_url
from tests.e2e.spaces_client import member, next_frame, open_socket, rest

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def database_url_named(name: str) -> str:
    """The test's database URL with another database name (same server, user and options)."""
    parts = urlsplit(the_test_database_url())
    return urlunsplit(parts._replace(path=f"{parts.path.rpartition('/')[0]}/{name}"))


def make(target: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", target],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def fresh_database_url():
    """A database name nobody uses, dropped afterwards (restore.sh creates it)."""
    name = f"hub_restored_{uuid.uuid4().hex[:10]}"
    url = database_url_named(name)
    yield url
    subprocess.run(
        ["psql", database_url_named("postgres"), "-X", "-q", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
        check=False,
        capture_output=True,
        timeout=60,
    )


def post(port, user, slug, body, client_id):
    status, message = rest(port, user, "POST", f"spaces/{slug}/messages/", {"body": body, "client_id": client_id})
    assert status == 201, message
    return message


def test_a_restored_dump_serves_every_space_from_its_seq(tmp_path, fresh_database_url):
    north = Space.objects.create(slug="north", name="North")
    south = Space.objects.create(slug="south", name="South")
    alice, bob = member(north), member(north)
    carol = member(south)
    process, port = start_uvicorn(services_env(), tmp_path / "before.log")
    try:
        posted = {
            "north": [
                post(port, (alice, bob)[index % 2], "north", f"north {index}", f"n{index}") for index in range(7)
            ],
            "south": [post(port, carol, "south", f"south {i}", f"s{i}") for i in range(4)],
        }
    finally:
        stop(process)
    assert [message["seq"] for message in posted["north"]] == list(range(1, 8))

    backup = make("backup", DATABASE_URL=the_test_database_url(), BACKUP_DIR=str(tmp_path / "backups"))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path / "backups"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert not list(dump.parent.glob("*.partial"))

    # A message committed after the dump is not in it: the restore is the dump, not the live database.
    later_process, later_port = start_uvicorn(services_env(), tmp_path / "after-dump.log")
    try:
        post(later_port, alice, "north", "after the dump", "late")
    finally:
        stop(later_process)

    restore = make("restore", DUMP=str(dump), RESTORE_DATABASE_URL=fresh_database_url)
    assert restore.returncode == 0, restore.stderr

    # The Hub on the restored database alone, with a channel-layer prefix of its own (nothing of
    # the first server's feed or presence in Redis can help it).
    env = services_env(DATABASE_URL=fresh_database_url, CHANNEL_LAYER_PREFIX=f"restored-{uuid.uuid4().hex[:8]}")
    restored, restored_port = start_uvicorn(env, tmp_path / "restored.log")
    try:

        async def resume(user, slug, after, count):
            async with open_socket(restored_port, user, slug, after=after) as socket:
                hello = await next_frame(socket, "hello")
                frames = [(await next_frame(socket, "message.new"))["message"] for _ in range(count)]
                with pytest.raises(TimeoutError):
                    await next_frame(socket, "message.new", timeout=0.5)
                return hello["last_seq"], [(frame["seq"], frame["body"], frame["client_id"]) for frame in frames]

        expected_north = [(message["seq"], message["body"], message["client_id"]) for message in posted["north"]]
        assert asyncio.run(resume(bob, "north", 0, 7)) == (7, expected_north)
        assert asyncio.run(resume(alice, "north", 3, 4)) == (7, expected_north[3:])
        expected_south = [(message["seq"], message["body"], message["client_id"]) for message in posted["south"]]
        assert asyncio.run(resume(carol, "south", 0, 4)) == (4, expected_south)

        # Posting continues at seq + 1 in each space; a resend of a restored client_id creates nothing.
        assert post(restored_port, alice, "north", "after the restore", "n-new")["seq"] == 8
        assert post(restored_port, carol, "south", "after the restore", "s-new")["seq"] == 5
        status, resent = rest(
            restored_port, alice, "POST", "spaces/north/messages/", {"body": "north 0", "client_id": "n0"}
        )
        assert (status, resent["seq"]) == (200, 1)
        status, page = rest(restored_port, bob, "GET", "spaces/north/messages/?after=0&limit=200")
        assert status == 200
        assert [message["seq"] for message in page["results"]] == list(range(1, 9))
        assert page["last_seq"] == 8
    finally:
        stop(restored)


def test_restore_refuses_a_database_that_has_tables(tmp_path):
    dump_dir = tmp_path / "backups"
    backup = make("backup", DATABASE_URL=the_test_database_url(), BACKUP_DIR=str(dump_dir))
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    Space.objects.create(slug="kept", name="Kept")

    restore = make("restore", DUMP=dump, RESTORE_DATABASE_URL=the_test_database_url())

    assert restore.returncode != 0
    assert "restore into a fresh database" in restore.stderr
    assert list(Space.objects.values_list("slug", flat=True)) == ["kept"]


def test_backup_keeps_the_newest_dumps_and_leaves_no_partial_file(tmp_path):
    dump_dir = tmp_path / "backups"
    made = []
    for _ in range(3):
        backup = make("backup", DATABASE_URL=the_test_database_url(), BACKUP_DIR=str(dump_dir), BACKUP_KEEP="2")
        assert backup.returncode == 0, backup.stderr
        made.append(backup.stdout.strip().splitlines()[-1])
    assert sorted(str(path) for path in dump_dir.iterdir()) == made[1:]

    # A dump that fails (no such database) leaves nothing that looks like a backup.
    failed = make(
        "backup", DATABASE_URL=database_url_named(f"missing_{uuid.uuid4().hex[:8]}"), BACKUP_DIR=str(dump_dir)
    )
    assert failed.returncode != 0
    assert sorted(str(path) for path in dump_dir.iterdir()) == made[1:]
    assert os.access(made[-1], os.R_OK)
