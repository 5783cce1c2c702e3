"""The limit for ``bench.storms``: a bare ``websockets`` server that speaks just enough of the space
socket to be stormed the same way as the Hub.

On connect it sends a ``hello`` (``last_seq``, the online count); with ``?after=SEQ`` it then sends
every kept message after SEQ, oldest first, before any live one. A client's ``message.send`` is
given the next seq, encoded once as ``message.new`` and relayed with ``broadcast()``; the newest
1,000 stay in memory for resumers. No authentication, no database, no channel layer: what a
socket costs with nothing but the WebSocket library around it. Same options as the Hub's
``config.serve``: uvloop, no permessage-deflate, a listen backlog of 2,048.
"""

import asyncio
import sys
from collections import deque
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve

CLIENTS: set[ServerConnection] = set()
RECENT: deque[tuple[int, str]] = deque(maxlen=1000)
LAST_SEQ = 0


def _after(path: str) -> int | None:
    values = parse_qs(urlsplit(path).query).get("after")
    return int(values[0]) if values else None


async def handler(websocket: ServerConnection) -> None:
    global LAST_SEQ
    after = _after(websocket.request.path if websocket.request else "")
    hello = {"type": "hello", "space": "bench", "last_seq": LAST_SEQ, "role": "member", "online_count": len(CLIENTS)}
    await websocket.send(orjson.dumps(hello).decode())
    if after is not None:
        # Until caught up: each pass sends what is newer than the last one sent; the last check
        # and joining CLIENTS happen with no await between, so no live message falls between.
        while True:
            missing = [text for seq, text in RECENT if seq > after]
            if not missing:
                break
            after = RECENT[-1][0]
            for text in missing:
                await websocket.send(text)
    CLIENTS.add(websocket)
    try:
        async for message in websocket:
            frame = orjson.loads(message)
            LAST_SEQ += 1
            text = orjson.dumps(
                {
                    "type": "message.new",
                    "message": {"seq": LAST_SEQ, "body": frame["body"], "client_id": frame.get("client_id")},
                }
            ).decode()
            RECENT.append((LAST_SEQ, text))
            broadcast(CLIENTS, text)
    finally:
        CLIENTS.discard(websocket)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_size=2**20, compression=None, backlog=2048) as server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(int(sys.argv[1])))
