"""``python -m config.serve``: the Hub's ASGI server, with the options every deployment uses.

One place for them (``make run``, docker-compose, the tests and the benchmark all start the Hub
this way):
- uvloop and httptools, the fast event loop and HTTP parser;
- the sans-I/O ``websockets`` implementation, whose connections the discussion fan-out can
  write pre-framed messages to (``realtime.wire``);
- no permessage-deflate: chat frames are small, and compressed frames would have to be made
  once per connection instead of once per event.
"""

import argparse
import os

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* (behind a proxy)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    uvicorn.run(
        "config.asgi:application",
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        access_log=False,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips="*" if args.proxy_headers else None,
        log_level=args.log_level,
    )


if __name__ == "__main__":
    main()
