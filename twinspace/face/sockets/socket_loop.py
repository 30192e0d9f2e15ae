"""The lifecycle every websocket endpoint shares: an outbox writing what the socket takes, a
receive loop, and a close request; whichever ends first ends the connection with the right
close code. All of it runs in the server's task for the connection (docs/architecture.md,
"Memory per connection")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from twinspace.clock import QUIET_CONTEXT
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


class CloseFlag:
    """Set once, when a connection must end (a close request, its session ending ...).

    Instead of an ``asyncio.Event`` and a task waiting on it per connection, whoever runs the
    connection registers ``on_set`` and is called back at once."""

    __slots__ = ("_set", "on_set")

    def __init__(self) -> None:
        self._set = False
        self.on_set: Callable[[], None] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        callback, self.on_set = self.on_set, None
        if callback is not None:
            callback()


class Closes(Protocol):
    def close(self, code: int, reason: str) -> None: ...


class IdleDeadline:
    """Closes `connection` with 4408 once nothing has arrived for `seconds`.

    One timer per connection, moved only when it fires: `touch` (each message) notes the
    time. An ``asyncio.timeout`` around each receive makes a timer and a context per message
    and cancels it, and cancelled timers stay in the loop's heap until they would have fired
    (docs/architecture.md, "Memory per connection")."""

    __slots__ = ("_loop", "_timer", "connection", "last", "reason", "seconds")

    def __init__(self, seconds: float, connection: Closes, reason: str) -> None:
        # kept: `asyncio.get_running_loop()` costs a `getpid` system call on Python 3.11
        self._loop = loop = asyncio.get_running_loop()
        self.seconds = seconds
        self.connection = connection
        self.reason = reason
        self.last = loop.time()
        self._timer: asyncio.TimerHandle | None = loop.call_at(
            self.last + seconds, self, context=QUIET_CONTEXT
        )

    def touch(self) -> None:
        self.last = self._loop.time()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def __call__(self) -> None:
        loop = self._loop
        due = self.last + self.seconds
        if due - loop.time() > 0.001:  # a message came since it was set: wait for the rest
            self._timer = loop.call_at(due, self, context=QUIET_CONTEXT)
            return
        self._timer = None
        self.connection.close(close_codes.TIMEOUT, self.reason)


class QueuedConnection(Protocol):
    websocket: WebSocket
    closed: CloseFlag
    close_request: Close | None

    @property
    def outbox(self) -> Outbox[Any]: ...


class _Interrupt:
    """Ends the receive loop from outside, once: a close request or a failed write cancels
    the connection's task while (and only while) it waits in the loop, as ``asyncio.timeout``
    does with its deadline."""

    __slots__ = ("failure", "fired", "task", "waiting")

    def __init__(self) -> None:
        self.task = asyncio.current_task()
        self.waiting = False
        self.fired = False
        self.failure: BaseException | None = None

    def __call__(self) -> None:
        if self.waiting and not self.fired and self.task is not None:
            self.fired = True
            self.task.cancel()

    def write_failed(self, error: BaseException) -> None:
        self.failure = error
        self()


async def run_connection(
    connection: QueuedConnection,
    receive_loop: Coroutine[Any, Any, None],
    send: Callable[[Any], Coroutine[Any, Any, None]],
    write: Callable[[Any], bool] | None = None,
) -> None:
    """Run `receive_loop` in this task until it ends, the connection is asked to close, or a
    write fails; then close the socket with the right code. No other task is started for the
    connection (the outbox starts one only while a write waits): an idle connection costs one
    task, the server's."""
    interrupt = _Interrupt()
    connection.outbox.bind(send, write, interrupt.write_failed)
    connection.closed.on_set = interrupt
    failure: BaseException | None = None
    delivered = False
    try:
        if connection.closed.is_set():
            receive_loop.close()
        else:
            interrupt.waiting = True
            await receive_loop
    except asyncio.CancelledError:
        delivered = True
        if not interrupt.fired or _uncancel(interrupt.task):
            raise  # cancelled from outside: the server is stopping
    except Exception as exc:
        failure = exc
    finally:
        interrupt.waiting = False
        connection.closed.on_set = None
        connection.outbox.close()
    if interrupt.fired and not delivered:
        # Fired from this very task (its receive loop closed the connection) and the loop
        # ended before reaching an await: the cancel comes at the next one, so take it here.
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            if _uncancel(interrupt.task):
                raise
    outcome = connection.close_request
    connection.closed.set()
    for error in (failure, interrupt.failure):
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


def _uncancel(task: asyncio.Task[Any] | None) -> bool:
    """Take back one cancel of ours; True when others remain (a cancel from outside)."""
    return task is not None and task.uncancel() > 0


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept only to close at once with a code the client can read."""
    await websocket.accept()
    await websocket.close(code, reason)
