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
import smtplib
import sys
import time
from collections import Counter
from multiprocessing import Process, Queue
from typing import Any

from aiosmtpd.smtp import SMTP


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


async def serve(port: int, control: int) -> None:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(mailbox, hostname="bench-sink"), "127.0.0.1", port)

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
    args = parser.parse_args()
    if args.blast:
        print(json.dumps({"messages_per_s": round(blast(args.port, args.blast), 1)}))
        return
    try:
        import uvloop

        uvloop.run(serve(args.port, args.control))
    except ImportError:
        print("uvloop is not installed: the sink runs on asyncio's own loop", file=sys.stderr)
        asyncio.run(serve(args.port, args.control))


if __name__ == "__main__":
    main()
