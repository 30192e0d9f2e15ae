"""A connection's outgoing frames: written at once while the socket keeps up, queued behind a
write that has to wait, and bounded, so a client that stops reading is found out.

Writing at once saves a task switch per frame, most of the cost of fanning an update out to a
room. Python 3.11 has no eager tasks, so `put` steps the ASGI `send` coroutine by hand: it
almost always finishes without suspending (the transport is writable); when it does suspend,
a writer task, started then and ending when the queue is empty, finishes it and writes the
frames queued meanwhile, in order. An idle connection has no task and no queue here.
Where the server offers a synchronous writer (`twinspace.face.sockets.frame_writer`), `put` uses it
first and steps `send` only when it declines.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from enum import Enum
from typing import Any, Generic, TypeVar

Frame = TypeVar("Frame")


class OutboxState(Enum):
    UNBOUND = "unbound"  # no socket yet: frames queue
    IDLE = "idle"  # nothing queued or under way: the next frame is written at once
    BUSY = "busy"  # a write is under way or frames are queued: the next frame queues
    FAILED = "failed"  # a write raised; the connection ends with it
    CLOSED = "closed"  # the connection ended: frames are dropped


_IDLE = OutboxState.IDLE  # an enum member read from its class costs ~70 ns on Python 3.11


class OutboxError(RuntimeError):
    pass


class Outbox(Generic[Frame]):
    """No task and no queue while the socket keeps up (an idle connection holds neither): a
    writer task and a deque exist only while a write waits or frames wait behind it."""

    __slots__ = ("_failed", "_frames", "_send", "_stalled", "_write", "_writer", "limit", "state")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.state = OutboxState.UNBOUND
        self._frames: deque[Frame] | None = None
        self._send: Callable[[Frame], Coroutine[Any, Any, None]] | None = None
        self._write: Callable[[Frame], bool] | None = None
        self._failed: Callable[[BaseException], None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._stalled: Coroutine[Any, Any, None] | None = None

    def __len__(self) -> int:
        return 0 if self._frames is None else len(self._frames)

    def put(self, frame: Frame) -> bool:
        """Write or queue `frame`; False when the queue is full (the client is not reading)."""
        if self.state is _IDLE:
            self._write_now(frame)
            return True
        if self.state is OutboxState.FAILED or self.state is OutboxState.CLOSED:
            return True  # the connection is ending
        if self._frames is None:
            self._frames = deque()
        elif len(self._frames) >= self.limit:
            return False
        self._frames.append(frame)
        return True

    def bind(
        self,
        send: Callable[[Frame], Coroutine[Any, Any, None]],
        write: Callable[[Frame], bool] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Attach the socket: its `send`, and `write` when the server offers a synchronous
        writer (it writes a frame or declines with False, and `send` is used). Frames queued
        so far go out now. `failed(error)` is called once if a write raises: the connection
        must end then."""
        if self.state is not OutboxState.UNBOUND:
            raise OutboxError(f"outbox is already {self.state.value}")
        self._send, self._write, self._failed = send, write, failed
        self.state = OutboxState.IDLE
        while self._frames and self.state is OutboxState.IDLE:
            self._write_now(self._frames.popleft())
        if not self._frames:
            self._frames = None

    def close(self) -> None:
        """The connection ended: drop queued frames and abandon a write under way."""
        self.state = OutboxState.CLOSED
        self._frames = None
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        if self._stalled is not None:
            self._stalled.close()
            self._stalled = None

    async def drain(
        self,
        send: Callable[[Frame], Coroutine[Any, Any, None]],
        write: Callable[[Frame], bool] | None = None,
    ) -> None:
        """`bind`, then wait until a write fails (raising its error) or this is cancelled;
        the outbox is closed either way."""
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def failed(exc: BaseException) -> None:
            if not ended.done():
                ended.set_exception(exc)

        self.bind(send, write, failed)
        try:
            await ended
        finally:
            self.close()

    # writing ------------------------------------------------------------------------------

    def _write_now(self, frame: Frame) -> None:
        try:
            written = self._write is not None and self._write(frame)
        except Exception as exc:  # never into the caller: it is fanning out to a room
            self._fail(exc)
            return
        if written:
            return
        assert self._send is not None
        coro = self._send(frame)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception as exc:
            self._fail(exc)
            return
        # It has to wait: a task finishes it, then writes what queues meanwhile, in order.
        self.state = OutboxState.BUSY
        self._stalled = coro
        self._writer = asyncio.get_running_loop().create_task(self._finish(coro, _taken(waiting)))

    async def _finish(
        self, coro: Coroutine[Any, Any, None], waiting: asyncio.Future[Any] | None
    ) -> None:
        try:
            await _finish(coro, waiting)
            self._stalled = None
            assert self._send is not None
            while self._frames:
                await self._send(self._frames.popleft())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._stalled = None
            self._fail(exc)
            return
        finally:
            if self._writer is asyncio.current_task():
                self._writer = None
        self._frames = None
        if self.state is OutboxState.BUSY:
            self.state = OutboxState.IDLE

    def _fail(self, exc: BaseException) -> None:
        if self.state is OutboxState.FAILED or self.state is OutboxState.CLOSED:
            return
        self.state = OutboxState.FAILED
        self._frames = None
        if self._failed is not None:
            self._failed(exc)


async def _finish(coro: Coroutine[Any, Any, None], waiting: asyncio.Future[Any] | None) -> None:
    """Run a coroutine that `put` started and that suspended on `waiting` to its end."""
    step = waiting
    while True:
        try:
            if step is None:  # a bare yield: give the loop one turn
                await asyncio.sleep(0)
            else:
                await step
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                coro.close()
                raise
        except Exception:
            pass  # the coroutine reads the future's outcome itself when resumed
        try:
            step = _taken(coro.send(None))
        except StopIteration:
            return


def _taken(waiting: asyncio.Future[Any] | None) -> asyncio.Future[Any] | None:
    """Mark a future a coroutine yielded as taken by its driver, as a Task does; awaiting it
    again otherwise fails ("await wasn't used with future")."""
    if waiting is not None:
        waiting._asyncio_future_blocking = False
    return waiting
