"""The announcement benchmark's sink (``bench.announce_sink.BenchSMTP``) receives what aiosmtpd does.

It reads DATA in blocks and takes plain addresses as they are, to be cheaper per message; here the
same messages go to both servers and must arrive with the same envelope and the same bytes.
"""

import smtplib
import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from bench.announce_sink import BenchSMTP

MESSAGES = [
    b"",
    b".",
    b"..\r\n.\r\n...\r\n",
    b".leading dot\r\nmiddle\r\n.\r\n..two\r\nend without a line break",
    b"Subject: long\r\n\r\n" + b"x" * 900 + b"\r\n" + (b"line of a long body\r\n." * 8000),
    "Subject: caf\u00e9\r\n\r\nna\u00efve \u062a\u062c\u0631\u0628\u0629\r\n".encode(),
]
SENDERS = ["hub@localhost", '"quoted local"@example.org', ""]
RECIPIENTS = ["plain.person+tag@example.org", '"odd one"@example.org']


class Received:
    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Controller(Controller):
    def __init__(self, server_class: type[SMTP], handler: Received) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=_free_port())
        self.server_class = server_class

    def factory(self) -> SMTP:
        return self.server_class(self.handler)


def received_by(server_class: type[SMTP]) -> list[tuple[str, list[str], bytes]]:
    handler = Received()
    controller = _Controller(server_class, handler)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            for sender in SENDERS:
                for message in MESSAGES:
                    client.sendmail(sender, RECIPIENTS, message)
    finally:
        controller.stop()
    return handler.envelopes


@pytest.mark.timeout(60)
def test_the_bench_sink_receives_every_message_as_aiosmtpd_does():
    stock = received_by(SMTP)
    assert len(stock) == len(SENDERS) * len(MESSAGES)
    assert received_by(BenchSMTP) == stock
