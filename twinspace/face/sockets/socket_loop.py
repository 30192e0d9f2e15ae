"""The lifecycle both websocket endpoints share: an outbox draining what could not be written
at once, a receiver, and a close request; whichever ends first ends the connection with the
right close code."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from twinspace.realtime import close_codes
from twinspace.realtime.outbox import Outbox

log = logging.getLogger("twinspace.realtime.sockets")

# A client that stopped reading cannot take a close frame either: give up on it after this.
CLOSE_TIMEOUT = 2.0


class Close(Exception):
    """End this connection with a close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class QueuedConnection(Protocol):
    websocket: WebSocket
    closed: asyncio.Event
    close_request: Close | None

    @property
    def outbox(self) -> Outbox[Any]: ...


async def run_connection(
    connection: QueuedConnection,
    receive_loop: Coroutine[Any, Any, None],
    send: Callable[[Any], Coroutine[Any, Any, None]],
    write: Callable[[Any], bool] | None = None,
) -> None:
    sender = asyncio.create_task(connection.outbox.drain(send, write))
    receiver = asyncio.create_task(receive_loop)
    closer = asyncio.create_task(connection.closed.wait())
    done, pending = await asyncio.wait(
        {sender, receiver, closer}, return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    outcome = connection.close_request
    connection.closed.set()
    errors = [task.exception() for task in done if task is not closer and not task.cancelled()]
    for error in errors:
        if isinstance(error, Close):
            outcome = outcome or error
        elif isinstance(error, WebSocketDisconnect | OSError):
            return
        elif error is not None:
            log.error("websocket connection failed", exc_info=error)
            outcome = outcome or Close(close_codes.INTERNAL, "internal error")
    websocket = connection.websocket
    if outcome is not None and websocket.client_state is WebSocketState.CONNECTED:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await websocket.close(outcome.code, outcome.reason)
        except (TimeoutError, RuntimeError, OSError, WebSocketDisconnect):
            pass


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept only to close at once with a code the client can read."""
    await websocket.accept()
    await websocket.close(code, reason)
