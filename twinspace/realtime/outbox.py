"""A connection's outgoing frames: written at once while the socket keeps up, queued behind a
write that has to wait, and bounded, so a client that stops reading is found out.

Writing at once saves a task switch per frame, most of the cost of fanning an update out to a
room. Python 3.11 has no eager tasks, so `put` steps the ASGI `send` coroutine by hand: it
almost always finishes without suspending (the transport is writable); when it does suspend,
the connection's drain task finishes it and writes the frames queued meanwhile, in order.
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
    FAILED = "failed"  # a write raised; the drain task ends the connection with it
    CLOSED = "closed"  # the drain task ended: frames are dropped


class OutboxError(RuntimeError):
    pass


class Outbox(Generic[Frame]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.state = OutboxState.UNBOUND
        self._frames: deque[Frame] = deque()
        self._send: Callable[[Frame], Coroutine[Any, Any, None]] | None = None
        self._write: Callable[[Frame], bool] | None = None
        self._stalled: tuple[Coroutine[Any, Any, None], asyncio.Future[Any] | None] | None = None
        self._failure: BaseException | None = None
        self._wakeup = asyncio.Event()

    def __len__(self) -> int:
        return len(self._frames)

    def put(self, frame: Frame) -> bool:
        """Write or queue `frame`; False when the queue is full (the client is not reading)."""
        if self.state is OutboxState.FAILED or self.state is OutboxState.CLOSED:
            return True  # the connection is ending
        if self.state is OutboxState.IDLE:
            try:
                written = self._write is not None and self._write(frame)
            except Exception as exc:  # never into the caller: it is fanning out to a room
                self._fail(exc)
                return True
            if not written:
                self._step_send(frame)
            return True
        if len(self._frames) >= self.limit:
            return False
        self._frames.append(frame)
        self._wakeup.set()
        return True

    def _step_send(self, frame: Frame) -> None:
        assert self._send is not None
        coro = self._send(frame)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception as exc:
            self._fail(exc)
            return
        self._stalled = (coro, _taken(waiting))
        self.state = OutboxState.BUSY
        self._wakeup.set()

    def _fail(self, exc: Exception) -> None:
        self._failure = exc
        self.state = OutboxState.FAILED
        self._wakeup.set()

    async def drain(
        self,
        send: Callable[[Frame], Coroutine[Any, Any, None]],
        write: Callable[[Frame], bool] | None = None,
    ) -> None:
        """Bind the socket's `send` and write whatever cannot be written at once; runs until
        the connection ends and raises what a write raised. `write`, when the server offers
        one, writes a frame synchronously or declines (returns False) and `send` is used."""
        if self.state is not OutboxState.UNBOUND:
            raise OutboxError(f"outbox is already {self.state.value}")
        self._send, self._write = send, write
        self.state = OutboxState.BUSY
        try:
            while True:
                if self._failure is not None:
                    raise self._failure
                if self._stalled is not None:
                    coro, waiting = self._stalled
                    self._stalled = None
                    await _finish(coro, waiting)
                elif self._frames:
                    await send(self._frames.popleft())
                else:
                    self.state = OutboxState.IDLE
                    self._wakeup.clear()
                    await self._wakeup.wait()  # `put` queued or a write stalled or failed
        finally:
            self.state = OutboxState.CLOSED
            self._frames.clear()
            if self._stalled is not None:
                self._stalled[0].close()
                self._stalled = None


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
