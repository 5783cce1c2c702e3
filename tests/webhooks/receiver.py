"""A real HTTP receiver on a loopback port for the webhook tests (unit and end-to-end).

It records every request it gets (path, headers, raw body) and answers each with the next status
of ``script`` (then ``default``); ``redirect_to`` makes it answer 302 with that Location. With
``hold_at`` = k the k-th request is recorded (it has arrived) and its answer held back until
``release`` is set, ``holding`` being set meanwhile: a sender killed then dies mid-request.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int
    script: list[int] = field(default_factory=list)
    default: int = 200
    redirect_to: str | None = None
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold_at: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def requests(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def answer(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                number = len(receiver.received)
            if number == receiver.hold_at:
                receiver.holding.set()
                receiver.release.wait(60)
            status = receiver.answer()
            if receiver.redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", receiver.redirect_to)
            else:
                self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def receiver_running(**options: object) -> Iterator[Receiver]:
    receiver = Receiver(port=free_port(), **options)  # type: ignore[arg-type]
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
