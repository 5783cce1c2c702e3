"""Writing one pre-framed WebSocket message to many sockets (the fan-out's fast path).

Through ASGI every recipient costs a full ``send()``: the server frames the text again for each
socket. Like the ``websockets`` library's ``broadcast()``, the fan-out instead builds the frame
bytes once per event and writes them to each socket's transport. That needs the server's
connection object, which ASGI does not expose; ``raw_writer_for`` recognises uvicorn's
``websockets-sansio`` protocol (the ASGI ``send`` is its bound method) and returns ``None``
for anything else, which then gets the plain ASGI path.

Writing frames directly is sound there because server frames are never masked and, without
permessage-deflate (which ``raw_writer_for`` checks for), an unfragmented text frame is the same
bytes on every connection. Flow control is the protocol's own: nothing is written while uvicorn
has paused writing, and the subscriber queues meanwhile.
"""

import logging
import struct
from typing import TYPE_CHECKING, Protocol

from asgiref.typing import ASGISendCallable

if TYPE_CHECKING:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

logger = logging.getLogger(__name__)

_FIN_TEXT = 0x81


def text_frame(payload: bytes) -> bytes:
    """An unmasked, final text frame (RFC 6455 section 5.2)."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", _FIN_TEXT, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", _FIN_TEXT, 126, length)
    else:
        header = struct.pack("!BBQ", _FIN_TEXT, 127, length)
    return header + payload


class Outgoing:
    """One frame to send: its text, and its wire bytes made at most once for all recipients."""

    __slots__ = ("_frame", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = text_frame(self.text.encode())
        return self._frame


class FrameWriter(Protocol):
    """Where a subscriber writes pre-framed bytes: a ``RawWriter`` (or a test's stand-in)."""

    @property
    def open(self) -> bool: ...

    def writable_now(self) -> bool: ...

    async def wait_writable(self) -> None: ...

    def write(self, frame: bytes) -> None: ...


class RawWriter:
    """Direct writes to one uvicorn websockets-sansio connection."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: "WebSocketsSansIOProtocol") -> None:
        self._protocol = protocol

    @property
    def open(self) -> bool:
        protocol = self._protocol
        return not (protocol.close_sent or protocol.disconnected or protocol.transport.is_closing())

    def writable_now(self) -> bool:
        return self._protocol.writable.is_set()

    async def wait_writable(self) -> None:
        await self._protocol.writable.wait()

    def write(self, frame: bytes) -> None:
        self._protocol.transport.write(frame)


def release_handshake(send: ASGISendCallable) -> None:
    """Let go of what uvicorn's sans-I/O protocol keeps of an accepted socket's handshake.

    It holds the upgrade request and its response (two header maps and their strings, about
    3 KiB) for the life of the connection, though nothing reads them once the socket is accepted:
    a tenth of what an idle socket costs. Anything else than an accepted sans-I/O connection is
    left alone.
    """
    protocol = getattr(send, "__self__", None)
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    except ImportError:  # pragma: no cover (uvicorn without the sans-I/O implementation)
        return
    if isinstance(protocol, WebSocketsSansIOProtocol) and protocol.handshake_complete:
        for name in ("request", "response"):
            if hasattr(protocol, name):
                setattr(protocol, name, None)


def raw_writer_for(send: ASGISendCallable) -> RawWriter | None:
    protocol = getattr(send, "__self__", None)
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    except ImportError:  # pragma: no cover (uvicorn without the sans-I/O implementation)
        _warn_once("uvicorn has no sans-I/O WebSocket implementation")
        return None
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        _warn_once(f"the server's WebSocket protocol is {type(protocol).__name__}, not uvicorn's websockets-sansio")
        return None
    if protocol.conn.extensions:
        _warn_once("permessage-deflate was negotiated")
        return None
    return RawWriter(protocol)


_warned: set[str] = set()


def _warn_once(reason: str) -> None:
    """Said once per process: sockets still work, one ASGI ``send`` per recipient per frame."""
    if reason in _warned:
        return
    _warned.add(reason)
    logger.warning(
        "WebSocket fan-out without its fast path (%s): every frame is framed again for every socket. "
        "Start the Hub with `python -m config.serve` (uvicorn, websockets-sansio, no permessage-deflate).",
        reason,
    )
