"""An example receiver of the Hub's webhooks: verifies the signature, drops repeats, answers fast.

Run it (Python 3.11+, nothing to install):

    WEBHOOK_SECRET='the secret you registered' python scripts/webhook_receiver_example.py --port 8088

then register ``https://your-host/`` (behind TLS) with the same secret. What a receiver must do:

1. Read the raw body *before* parsing it, and compute ``sha256=`` + hex HMAC-SHA256 of those exact
   bytes with the secret; compare it with ``X-Hub-Signature-256`` using ``hmac.compare_digest``
   (a constant-time comparison; ``==`` leaks how much of a forged signature was right). Refuse on
   a mismatch (401 here).
2. Use ``X-Hub-Delivery`` (also the body's ``id``) to drop duplicates: the Hub retries a delivery
   that got no 2xx (a timeout included), so a receiver that was slow may see it twice.
3. Answer 2xx within 10 seconds, and do slow work afterwards (a queue of your own): the Hub
   counts a slower answer as a failure and retries; after a day of failures it disables the webhook.
"""

import argparse
import hashlib
import hmac
import json
import os
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEEN_MAX = 10_000  # delivery ids remembered for dropping repeats


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` with ``secret`` (GitHub's scheme)."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Receiver(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], secret: str) -> None:
        super().__init__(address, Handler)
        self.secret = secret
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.handled: list[dict[str, Any]] = []  # what arrived (this example only prints it)

    def first_time(self, delivery_id: str) -> bool:
        if delivery_id in self.seen:
            return False
        self.seen[delivery_id] = None
        if len(self.seen) > SEEN_MAX:
            self.seen.popitem(last=False)
        return True


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not signature_valid(self.server.secret, body, self.headers.get("X-Hub-Signature-256")):
            self._answer(401, b"bad signature")
            return
        delivery_id = self.headers.get("X-Hub-Delivery", "")
        if self.server.first_time(delivery_id):
            event = json.loads(body)
            self.server.handled.append(event)
            print(f"{event['event']} #{event['id']}: {json.dumps(event['data'])[:200]}", flush=True)
        self._answer(204, b"")

    def _answer(self, status: int, text: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args()
    server = Receiver((args.host, args.port), os.environ["WEBHOOK_SECRET"])
    print(f"listening on http://{args.host}:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
