"""One HTTP POST of a delivery, to the address ``webhooks.destinations`` checked (pinned).

Python's own ``http.client``: the Hub has no HTTP client among its dependencies, and none of the
SSRF-guarding libraries fits well enough to add one (docs: "Webhooks", why). The connection is
opened to the checked IP address while the request keeps the URL's host name: the ``Host`` header
is the name, and for https the TLS server name (SNI) and the certificate check are the name's too,
so a certificate for the name is still required. One deadline covers connecting, sending and
reading the status line and headers (``WEBHOOK_TIMEOUT_SECONDS``): a receiver that drips its
answer is cut off when it passes. The response body is not kept. Redirects are not followed.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from webhooks.destinations import Destination

RESPONSE_READ_LIMIT = 64 * 1024  # bytes of the response read (and dropped) so the connection ends cleanly


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer
    error: str  # empty on an answer
    duration_ms: int

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _socket_to(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the address itself: no name is resolved here (that happened once, checked)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _socket_to(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, destination: Destination, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = _socket_to(self._address, self.port, self.timeout)
        # SNI and certificate verification against the name, the connection to the pinned address.
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _connection(destination: Destination, address: str, timeout: float) -> http.client.HTTPConnection:
    if destination.scheme == "https":
        return _PinnedHTTPSConnection(destination, address, timeout, ssl.create_default_context())
    return _PinnedHTTPConnection(destination, address, timeout)


def _abort(connection: http.client.HTTPConnection) -> None:
    """Called by the deadline's timer: unblocks a recv or send waiting in the sender's thread."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def post(destination: Destination, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to the destination's first address that accepts a connection, within ``timeout``."""
    started = time.monotonic()
    deadline = started + timeout
    errors: list[str] = []
    for address in destination.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        connection = _connection(destination, str(address), remaining)
        timer = threading.Timer(remaining, _abort, (connection,))
        timer.daemon = True
        timer.start()
        try:
            try:
                connection.connect()
            except OSError as error:  # refused, unreachable, timed out: try the next address
                errors.append(f"{address}: {error}")
                continue
            connection.request("POST", destination.target, body=body, headers=headers)
            response = connection.getresponse()
            elapsed = int((time.monotonic() - started) * 1000)
            # The status is the answer; the body is read (a little) only to end the exchange cleanly.
            with contextlib.suppress(OSError, http.client.HTTPException):
                response.read(RESPONSE_READ_LIMIT)
            return Answer(response.status, "", elapsed)
        except (OSError, http.client.HTTPException) as error:
            elapsed = int((time.monotonic() - started) * 1000)
            if time.monotonic() >= deadline:
                return Answer(None, f"no answer within {timeout:g} s", elapsed)
            return Answer(None, f"{type(error).__name__}: {error}"[:500], elapsed)
        finally:
            timer.cancel()
            connection.close()
    elapsed = int((time.monotonic() - started) * 1000)
    if not errors:
        return Answer(None, f"no answer within {timeout:g} s", elapsed)
    return Answer(None, ("could not connect: " + "; ".join(errors))[:500], elapsed)
