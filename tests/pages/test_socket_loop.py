"""The connection lifecycle without a task per part: the receive loop runs in the connection's
own task, and a close request or a failed write ends it from outside; and the slim stand-ins
for uvicorn's receive queue and writable event."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.websockets import WebSocketState

from tests.support.poll import eventually
from twinspace.face.sockets.frame_writer import ReceiveQueue, WritableFlag
from twinspace.face.sockets.socket_loop import Close, CloseFlag, IdleDeadline, run_connection
from twinspace.realtime import close_codes
from twinspace.realtime.outbox import Outbox


class FakeWebSocket:
    def __init__(self) -> None:
        self.client_state = WebSocketState.CONNECTED
        self.closed_with: tuple[int, str] | None = None

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = (code, reason)
        self.client_state = WebSocketState.DISCONNECTED


class FakeConnection:
    def __init__(self) -> None:
        self.websocket: Any = FakeWebSocket()  # stands in for a Starlette WebSocket
        self.closed = CloseFlag()
        self.close_request: Close | None = None
        self.outbox: Outbox[str] = Outbox(4)

    def close(self, code: int, reason: str) -> None:
        if not self.closed.is_set():
            self.close_request = Close(code, reason)
            self.closed.set()


async def _send(frame: str) -> None:
    return None


async def test_a_close_request_ends_a_waiting_receive_loop() -> None:
    connection, waiting = FakeConnection(), asyncio.Event()

    async def receive_loop() -> None:
        waiting.set()
        await asyncio.Event().wait()  # a quiet client

    run = asyncio.create_task(run_connection(connection, receive_loop(), _send))
    await waiting.wait()
    connection.close(close_codes.NOT_AUTHENTICATED, "session ended")
    await asyncio.wait_for(run, 5)
    assert connection.websocket.closed_with == (close_codes.NOT_AUTHENTICATED, "session ended")
    assert not run.cancelled()


async def test_a_close_requested_by_the_loop_itself_still_closes_the_socket() -> None:
    connection = FakeConnection()

    async def receive_loop() -> None:
        connection.close(close_codes.TRY_AGAIN_LATER, "too slow")  # e.g. its own send overflowed
        # returns without another await: the cancel it caused must not escape

    await asyncio.wait_for(run_connection(connection, receive_loop(), _send), 5)
    assert connection.websocket.closed_with == (close_codes.TRY_AGAIN_LATER, "too slow")


async def test_a_failed_write_ends_the_connection_with_an_internal_error() -> None:
    connection, waiting = FakeConnection(), asyncio.Event()

    def write(frame: str) -> bool:
        raise RuntimeError("transport gone wrong")

    async def receive_loop() -> None:
        waiting.set()
        await asyncio.Event().wait()

    run = asyncio.create_task(run_connection(connection, receive_loop(), _send, write))
    await waiting.wait()
    assert connection.outbox.put("frame")  # the fan-out never sees the error
    await asyncio.wait_for(run, 5)
    assert connection.websocket.closed_with is not None
    assert connection.websocket.closed_with[0] == close_codes.INTERNAL


async def test_a_cancel_from_outside_still_cancels() -> None:
    connection, waiting = FakeConnection(), asyncio.Event()

    async def receive_loop() -> None:
        waiting.set()
        await asyncio.Event().wait()

    run = asyncio.create_task(run_connection(connection, receive_loop(), _send))
    await waiting.wait()
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert connection.websocket.closed_with is None  # the server is stopping: no close code


async def test_the_receive_queue_hands_items_over_in_order() -> None:
    queue: ReceiveQueue[Any] = ReceiveQueue()
    assert queue.empty() and queue.qsize() == 0
    getter = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("a")
    queue.put_nowait("b")
    assert await asyncio.wait_for(getter, 5) == "a"
    assert queue.qsize() == 1 and await queue.get() == "b" and queue.empty()
    waiting = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    waiting.cancel()  # an idle timeout: the next get still works
    await asyncio.gather(waiting, return_exceptions=True)
    queue.put_nowait("c")
    assert await asyncio.wait_for(queue.get(), 5) == "c"


async def test_the_writable_flag_wakes_its_waiters() -> None:
    flag = WritableFlag()
    assert not flag.is_set()
    waiters = [asyncio.create_task(flag.wait()) for _ in range(2)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters)
    flag.set()
    await eventually(lambda: all(w.done() for w in waiters))
    assert flag.is_set() and await flag.wait()
    flag.clear()
    assert not flag.is_set()


class Recorder:
    def __init__(self) -> None:
        self.closed: list[tuple[int, str]] = []

    def close(self, code: int, reason: str) -> None:
        self.closed.append((code, reason))


async def test_the_idle_deadline_moves_with_each_message_and_fires_once_silent() -> None:
    connection = Recorder()
    deadline = IdleDeadline(1.0, connection, "idle for too long")
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < 1.5:  # messages every 0.1 s: never a second of silence
        await asyncio.sleep(0.1)
        deadline.touch()
    assert connection.closed == []
    await eventually(lambda: connection.closed == [(close_codes.TIMEOUT, "idle for too long")])
    assert loop.time() - start >= 2.5  # a full second after the last message


async def test_a_cancelled_idle_deadline_never_fires() -> None:
    connection = Recorder()
    deadline = IdleDeadline(0.05, connection, "idle")
    deadline.cancel()
    await asyncio.sleep(0.2)
    assert connection.closed == []
