"""The local SMTP sink of ``bench.announce``: aiosmtpd accepting every message, counting them.

``python -m bench.announce_sink --port P --control C``: SMTP on P; on C a line protocol for the
benchmark: ``stats`` answers one JSON line ``{"count", "recipients", "first", "last"}`` (``first``
and ``last``: ``time.monotonic()`` of the first and latest message, comparable with the
benchmark's own clock on the same machine), ``reset`` forgets everything. The sink keeps each
recipient's address (to count duplicates) and nothing of the message but its size. It runs on
uvloop when that is installed, the cheaper loop for a harness that must not be the bottleneck.

``--blast N`` instead *measures the sink*: it sends N small pre-built messages over two
connections from two processes and prints the messages per second it took (the ``limit`` row).
"""

import argparse
import asyncio
import json
import re
import smtplib
import sys
import time
from collections import Counter
from multiprocessing import Process, Queue
from typing import Any

from aiosmtpd.smtp import MISSING, SMTP

# An address as the benchmark's clients write it (smtplib: ``<local@domain>``, plain ASCII).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_END_OF_DATA = b"\r\n.\r\n"


class BenchSMTP(SMTP):
    """aiosmtpd's server with its two costliest steps per message done more cheaply.

    Profiled under the benchmark, aiosmtpd spent about 1.1 ms of CPU per message, as much as the
    Hub's worker per email, and ran on one core: the sink, not the Hub, set the pace. Two steps took
    two fifths of it: parsing each MAIL and RCPT address with the ``email`` package's header parser
    (and defining a ``typing.Protocol`` class per call), and reading DATA one line at a time. Here a
    plain ``<local@domain>`` is taken as it is (anything else still goes to aiosmtpd's parser), and
    DATA is read in blocks up to its end marker, then un-dot-stuffed (RFC 5321 4.5.2) at once. The
    session, every other command and every reply remain aiosmtpd's. Precondition: clients that wait
    for the answer to DATA before sending anything else (no PIPELINING is advertised; smtplib does).
    """

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        if arg.startswith("<"):
            end = arg.find(">")
            if end > 0 and _PLAIN_ADDRESS.fullmatch(arg, 1, end):
                return arg[1:end], arg[end + 1 :]
        address, rest = super()._getaddr(arg)
        return address, rest

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if self.envelope is None or not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        received = bytearray(b"\r\n")  # so that a message that is only the marker ends with it too
        while not received.endswith(_END_OF_DATA):
            block = await self._reader.read(65536)
            if not block:
                return  # the client left mid-message
            received += block
        if received.find(_END_OF_DATA) != len(received) - len(_END_OF_DATA):
            raise RuntimeError("the client sent on after the end of DATA without waiting (pipelining)")
        content = bytes(received[2 : -len(_END_OF_DATA) + 2]).replace(b"\r\n..", b"\r\n.")
        content = content[1:] if content.startswith(b"..") else content
        self.envelope.original_content = self.envelope.content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()  # type: ignore[no-untyped-call]
        await self.push("250 OK" if status is MISSING else status)


class Mailbox:
    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()
        self.count = 0
        self.bytes = 0
        self.first = 0.0
        self.last = 0.0

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.monotonic()
        if not self.count:
            self.first = now
        self.count += 1
        self.last = now
        self.bytes += len(envelope.original_content or b"")
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"

    def stats(self) -> dict[str, Any]:
        duplicates = sum(count - 1 for count in self.recipients.values() if count > 1)
        return {"count": self.count, "recipients": len(self.recipients), "duplicates": duplicates,
                "bytes": self.bytes, "first": self.first, "last": self.last}  # fmt: skip


async def serve(port: int, control: int, *, stock: bool = False) -> None:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    server = SMTP if stock else BenchSMTP
    smtp = await loop.create_server(lambda: server(mailbox, hostname="bench-sink"), "127.0.0.1", port)

    async def control_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            command = line.decode().strip()
            if command == "reset":
                mailbox.reset()
                writer.write(b"ok\n")
            else:
                writer.write(json.dumps(mailbox.stats()).encode() + b"\n")
            await writer.drain()
        writer.close()

    controller = await asyncio.start_server(control_client, "127.0.0.1", control)
    print("ready", flush=True)
    async with smtp, controller:
        await asyncio.gather(smtp.serve_forever(), controller.serve_forever())


def _blaster(port: int, count: int, out: "Queue[float]") -> None:
    body = b"Subject: Training: Objective 9\r\nFrom: hub@localhost\r\nTo: x@example.org\r\n\r\n" + b"text\r\n" * 40
    client = smtplib.SMTP("127.0.0.1", port)
    client.ehlo()
    started = time.monotonic()
    for index in range(count):
        client.sendmail("hub@localhost", [f"blast{index}@example.org"], body)
    out.put(time.monotonic() - started)
    client.quit()


def blast(port: int, count: int, connections: int = 2) -> float:
    """Messages per second the sink on ``port`` takes from ``connections`` clients in parallel."""
    out: Queue[float] = Queue()
    each = count // connections
    clients = [Process(target=_blaster, args=(port, each, out)) for _ in range(connections)]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return each * connections / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control", type=int)
    parser.add_argument("--blast", type=int, help="measure a running sink on --port with N messages")
    parser.add_argument("--stock", action="store_true", help="aiosmtpd's SMTP as it is, not BenchSMTP")
    args = parser.parse_args()
    if args.blast:
        print(json.dumps({"messages_per_s": round(blast(args.port, args.blast), 1)}))
        return
    try:
        import uvloop

        uvloop.run(serve(args.port, args.control, stock=args.stock))
    except ImportError:
        print("uvloop is not installed: the sink runs on asyncio's own loop", file=sys.stderr)
        asyncio.run(serve(args.port, args.control, stock=args.stock))


if __name__ == "__main__":
    main()
