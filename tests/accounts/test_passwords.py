"""Changing and resetting a password ends every other way into the account (issue 14.11).

The change page keeps its own session and ends the others, the API token and every socket opened
with either; the old password is checked under the login throttle. A reset goes by email (a real
SMTP server), answers the same whether or not an account has the address, is limited per address,
and its link works once.
"""

import re
from datetime import UTC, datetime

import pytest
from channels.db import database_sync_to_async as db
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_for
from accounts.session_credentials import session_credential, sessions_revoked
from config.asgi import application
from discussions.models import Space
from realtime.fanout import current_fanout
from tests.discussions.conftest import connect, fanout_cleanup, member_of  # noqa: F401 (fixtures)
from tests.factories import PASSWORD, UserFactory
from tests.frame_contract import CheckedCommunicator

CHANGE = "/accounts/password/"
RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Harbour-Lights-Over-Mombasa-7"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, *, old: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
class TestChange:
    def test_the_change_keeps_this_session_and_ends_the_others_and_the_token(self):
        user = UserFactory.create()
        here, elsewhere = logged_in(user), logged_in(user)
        token = token_for(user)
        response = change(here)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/changed/"
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert here.get("/api/v1/me/").status_code == 200
        assert elsewhere.get("/api/v1/me/").status_code in (401, 403)
        assert not Token.objects.filter(key=token).exists()
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/me/").status_code == 401

    def test_a_wrong_old_password_changes_nothing(self):
        user = UserFactory.create()
        token = token_for(user)
        response = change(logged_in(user), old="not my password")
        assert response.status_code == 200
        assert b"Your old password was entered incorrectly" in response.content
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert Token.objects.filter(key=token).exists()

    def test_the_old_password_is_checked_under_the_login_throttle(self, time_machine):
        time_machine.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False)
        user = UserFactory.create()
        for _ in range(5):
            APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"})
        response = change(logged_in(user))  # the right old password, but the door is locked
        assert b"Too many failed logins" in response.content
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_a_weak_new_password_is_refused(self):
        user = UserFactory.create()
        response = change(logged_in(user), new="password")
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_the_page_needs_a_login(self):
        response = Client().get(CHANGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_session_credential_is_revoked_by_a_password_change_and_a_deactivation():
    kept, changed, gone = UserFactory.create(), UserFactory.create(), UserFactory.create()
    credentials = {session_credential(kept), session_credential(changed), session_credential(gone), "token:1:x"}
    changed.set_password(NEW_PASSWORD)
    changed.save()
    User.objects.filter(pk=gone.pk).update(is_active=False)
    assert sessions_revoked(credentials) == {session_credential(gone), credentials_of(credentials, changed)}


def credentials_of(credentials: set[str], user: User) -> str:
    (credential,) = [c for c in credentials if c.startswith(f"session:{user.pk}:")]
    return credential


async def session_socket(client: Client, slug: str) -> CheckedCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = CheckedCommunicator(application, f"/ws/spaces/{slug}/", headers=[(b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return socket


async def close_code(socket: CheckedCommunicator) -> int:
    while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    return int(output["code"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fanout_cleanup")
class TestSockets:
    async def test_a_change_closes_the_sockets_of_every_session_and_of_the_token(self):
        space = await db(Space.objects.create)(slug="password-room", name="Room")
        user = await db(member_of)(space)
        other = await db(member_of)(space)
        browser = await db(logged_in)(user)
        by_session = await session_socket(browser, space.slug)
        by_token = await connect(user, space.slug)
        bystander = await connect(other, space.slug)
        response = await db(change)(browser)
        assert response.status_code == 302
        assert await close_code(by_session) == 4401
        assert await close_code(by_token) == 4401
        await bystander.send_json_to({"type": "ping"})
        while (await bystander.receive_json_from(timeout=5))["type"] != "pong":
            pass
        await bystander.disconnect()
        # The session that made the change opens sockets again.
        again = await session_socket(browser, space.slug)
        await again.disconnect()

    async def test_a_password_changed_elsewhere_closes_session_sockets_at_the_recheck(self):
        space = await db(Space.objects.create)(slug="password-room-2", name="Room")
        user = await db(member_of)(space)
        socket = await session_socket(await db(logged_in)(user), space.slug)

        def change_in_the_admin() -> None:  # no envelope: as the admin or changepassword would
            user.set_password(NEW_PASSWORD)
            user.save()

        await db(change_in_the_admin)()
        fanout = current_fanout()
        assert fanout is not None
        await fanout.recheck_access()
        assert await close_code(socket) == 4401


def reset_link(body: str) -> str:
    match = re.search(r"https?://[^\s]+/accounts/password/reset/[^\s]+/", body)
    assert match, body
    return match.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
class TestReset:
    def test_a_reset_sends_one_link_in_the_users_language_and_the_link_works_once(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        user = UserFactory.create(email="amina@example.org", language="fr")
        token = token_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(RESET, {"email": "AMINA@example.org"})
        assert response.status_code == 302
        [mail] = smtp_server.messages
        assert mail.rcpt_tos == ["amina@example.org"]
        assert "mot de passe" in str(mail.message["Subject"]).lower()
        path = "/" + reset_link(mail.message.get_body(("plain",)).get_content())
        browser = Client()
        form = browser.get(path, follow=True)
        assert form.status_code == 200
        set_url = form.redirect_chain[-1][0]
        done = browser.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert done.status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert not Token.objects.filter(key=token).exists()
        again = Client().get(path, follow=True)
        assert b"no longer valid" in again.content

    def test_an_unknown_address_gets_the_same_answer_and_no_email(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(RESET, {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/sent/"
        assert smtp_server.messages == []

    def test_at_most_three_emails_an_hour_per_address(self, smtp_server, django_capture_on_commit_callbacks):
        UserFactory.create(email="kwame@example.org")
        for _ in range(5):
            with django_capture_on_commit_callbacks(execute=True):
                response = Client().post(RESET, {"email": "kwame@example.org"})
            assert response.status_code == 302
        assert len(smtp_server.messages) == 3

    def test_an_account_without_a_usable_password_gets_nothing(self, smtp_server, django_capture_on_commit_callbacks):
        user = UserFactory.create(email="seeded@example.org")
        user.set_unusable_password()
        user.save()
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(RESET, {"email": "seeded@example.org"})
        assert smtp_server.messages == []
