"""A real SMTP server for tests that send email (aiosmtpd on a spare loopback port).

Use it by importing the fixture into your test package's ``conftest.py`` (pytest finds fixtures by
the names a conftest or test module holds; in a conftest, ruff has no parameter to call a redefinition):

    # tests/<app>/conftest.py
    from tests.notifications.smtp import smtp_server  # noqa: F401

    # tests/<app>/test_x.py
    def test_x(smtp_server, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            do_something_that_emails()
        [mail] = smtp_server.messages
        assert mail.rcpt_tos == ["amina@example.org"]
        assert mail.message["List-Unsubscribe"].startswith("<")

While the fixture is active, Django's SMTP backend points at the server, and Celery runs tasks
in-process when they are enqueued (``task_always_eager``), so the email a service queued on commit
has arrived before the test asserts. ``message`` is the parsed ``email.message.EmailMessage``
(modern policy: ``message.get_body(("plain",)).get_content()`` gives the text part).
"""

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None, "no text/plain part"
        return str(part.get_content())


@dataclass
class SMTPServer:
    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)
    # How many SMTP sessions greeted the server (EHLO/HELO): one per connection Django opened.
    sessions: int = 0
    # Set it to an SMTP reply ("550 No such user here") to refuse the next messages' recipients.
    refuse_recipients_with: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.messages.append(mail)


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        self.server.sessions += 1
        return responses

    async def handle_HELO(self, server: Any, session: Any, envelope: Any, hostname: str) -> str:
        session.host_name = hostname
        self.server.sessions += 1
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self.server.refuse_recipients_with:
            return self.server.refuse_recipients_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server.received(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """An SMTP server capturing every message; Django's email settings point at it, Celery runs eagerly."""
    from config.celery import app

    state = SMTPServer(host="127.0.0.1", port=_free_port())
    controller = Controller(_Handler(state), hostname=state.host, port=state.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = state.host
    settings.EMAIL_PORT = state.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield state
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates
        controller.stop()
