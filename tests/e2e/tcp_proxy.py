"""A TCP proxy the test controls, to cut a server process off from a service (PostgreSQL) and back.

It runs its own event loop on a thread of its own, on a spare loopback port, so that synchronous
tests and their ``asyncio.run`` scenarios alike can cut it at any moment. Two ways to cut, both
closing every connection that passes through it:

- ``refuse``: the port stops listening; a new connection is refused at once (the service's
  host is up, the service is down);
- ``hang``: the port keeps accepting, and never answers nor forwards a byte (a firewall that
  drops packets, a host that froze): a client that waits for an answer waits until its own
  timeout.
"""

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, Literal

from tests.conftest import free_port

CutMode = Literal["refuse", "hang"]
_CALL_TIMEOUT_SECONDS = 10


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode: CutMode | None = None  # None: forwarding
        self.connections = 0  # forwarded since the start, for tests that want to see traffic
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()  # both ends of every forwarded connection
        self._held: set[asyncio.StreamWriter] = set()  # accepted while hanging, never answered

    def start(self) -> "TcpProxy":
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self, mode: CutMode) -> None:
        """Every connection through the proxy is closed; new ones are refused or left hanging."""
        self._call(self._cut(mode))

    def restore(self) -> None:
        """Forwarding again, on the same port."""
        self._call(self._restore())

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=_CALL_TIMEOUT_SECONDS)
        self._loop.close()

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=_CALL_TIMEOUT_SECONDS)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self, mode: CutMode) -> None:
        self.mode = mode
        if mode == "refuse" and self._server is not None:
            self._server.close()
            self._server = None
        self._abort_all()

    async def _restore(self) -> None:
        # Connections accepted while hanging stay held, unanswered, until the proxy stops, as the
        # packets a firewall dropped never arrive: only the client's own timeout frees it of them.
        self.mode = None
        if self._server is None:
            await self._listen()

    async def _stop(self) -> None:
        await self._cut("refuse")
        self._abort(self._held)

    def _abort_all(self) -> None:
        self._abort(self._open)

    @staticmethod
    def _abort(writers: set[asyncio.StreamWriter]) -> None:
        # A reset, as when the network between them breaks: neither end gets a clean goodbye.
        for writer in list(writers):
            writer.transport.abort()
        writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode is not None:
            self._held.add(writer)  # never read nor closed: the client waits for its own timeout
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._open.update((writer, upstream_writer))
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer), return_exceptions=True
        )
        self._open.difference_update((writer, upstream_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
