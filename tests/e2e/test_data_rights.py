"""Data rights end to end: a real server (uvicorn, PostgreSQL, Redis). The export streams over
HTTP in chunks and holds the person's messages and nothing private of anyone else; deleting the
account closes the person's open sockets (4401), leaves nothing that identifies them in any table,
and the server's own resident directory index, warmed before, no longer finds them."""

import asyncio
import json
import urllib.request

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from accounts.models import User
from tests.accounts.data_rights_world import world
from tests.accounts.test_data_rights_proof import references_left, where_found
from tests.e2e.processes import services_env, start_uvicorn, stop
from tests.e2e.spaces_client import next_frame, open_socket, rest, with_token
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_setup, django_db_blocker):
    logs = tmp_path_factory.mktemp("server")
    with django_db_blocker.unblock():
        env = services_env()
    process, port = start_uvicorn(env, logs / "server.log")
    yield port
    stop(process)


def download_export(port: int, token: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/me/export/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        return {name.lower(): value for name, value in response.headers.items()}, response.read()


def experts_found(port: int, q: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/experts/?q={q}", timeout=15) as response:
        return json.loads(response.read())["count"]


def test_export_then_deletion_through_a_real_server(taxonomy, server):
    w = world()
    person = with_token(w.person)
    distinct = w.distinct

    headers, body = download_export(server, person.token)
    assert headers.get("transfer-encoding") == "chunked" and "content-length" not in headers
    document = json.loads(body)
    text = body.decode()
    assert {m["body"] for m in document["messages"]} >= {"Draft summary attached.", "@friend_fa what do you think?"}
    assert w.friend_private_message.body not in text
    assert all(other.email not in text for other in (w.friend, w.moderator, w.staff, w.waiting))

    assert experts_found(server, distinct.bio_word) == 1  # the server's resident index has them

    async def scenario() -> tuple[int, int]:
        notifications = await websockets.connect(
            f"ws://127.0.0.1:{server}/ws/notifications/",
            additional_headers={"Authorization": f"Token {person.token}"},
        )
        async with open_socket(server, person, w.public_space.slug) as space_socket:
            await next_frame(space_socket, "hello")
            await next_frame(notifications, "unread")
            status, _ = await asyncio.to_thread(rest, server, person, "DELETE", "me/", {"password": PASSWORD})
            assert status == 204
            codes = []
            for socket in (space_socket, notifications):
                with pytest.raises(ConnectionClosed) as closed:
                    await next_frame(socket, "never", timeout=10)
                assert closed.value.rcvd is not None
                codes.append(closed.value.rcvd.code)
            return codes[0], codes[1]

    assert asyncio.run(scenario()) == (4401, 4401)
    assert experts_found(server, distinct.bio_word) == 0
    assert experts_found(server, distinct.display_name.split()[0]) == 0
    assert where_found(distinct.needles()) == []
    assert references_left(w.person.pk) == []
    assert User.objects.get(pk=w.person.pk).username == f"deleted-{w.person.pk}"
