"""The protocol stack's floor: TwinSpaces' uvicorn configuration (its handshake guard, frame
writer, event loop and collector thresholds) serving a bare y-websocket app that accepts every
socket, sends sync step 1 of an empty document and answers a client's sync step 1 with an
empty sync step 2. No authentication, no database, no rooms, no persistence: what any page
server on this stack pays per socket before doing anything of its own (bench/README.md,
"The reconnect storm's floor"). Prints {"port": N} once listening; exits when stdin closes.

    python bench/floor_server.py [--port 0]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
from typing import Any

import uvicorn

from twinspace.app.factory import settle_collector
from twinspace.app.server import protocol_options
from twinspace.config import load_settings
from twinspace.face.sockets.frame_writer import frame_writer_of

SYNC_STEP_1_EMPTY = b"\x00\x00\x01\x00"  # messageSync, step 1, a state vector of no clients
SYNC_STEP_2_EMPTY = b"\x00\x01\x02\x00\x00"  # messageSync, step 2, an update with nothing


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            settle_collector()
            await send({"type": "lifespan.startup.complete"})
        else:
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    write = frame_writer_of(scope)
    assert write is not None, "the floor measures the frame writer"
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    write(SYNC_STEP_1_EMPTY)
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if (message.get("bytes") or b"")[:2] == b"\x00\x00":
            write(SYNC_STEP_2_EMPTY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    port = parser.parse_args().port
    settings = load_settings(environ={})  # the shipped defaults, as TwinSpaces serves them
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", port))
    config = uvicorn.Config(
        app,
        interface="asgi3",
        **protocol_options(settings),
        access_log=False,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    # the parent closing stdin ends the server, as the node peers do
    threading.Thread(target=_exit_on_eof, args=(server,), daemon=True).start()
    print(json.dumps({"port": listening.getsockname()[1]}), flush=True)
    server.run(sockets=[listening])


def _exit_on_eof(server: uvicorn.Server) -> None:
    sys.stdin.read()
    server.should_exit = True


if __name__ == "__main__":
    main()
