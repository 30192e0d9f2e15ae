"""The outbox: frames written at once while the socket keeps up, queued in order behind a write
that has to wait, bounded, and a failed write ends the connection."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.poll import eventually
from twinspace.realtime.outbox import Outbox, OutboxError, OutboxState


class FakeSocket:
    """An ASGI-like send: writes at once unless `writable` is cleared (a full transport)."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.fail_on: str | None = None
        self.calls_suspended = 0

    async def send(self, frame: str) -> None:
        if not self.writable.is_set():
            self.calls_suspended += 1
        await self.writable.wait()
        if frame == self.fail_on:
            raise ConnectionResetError("peer went away")
        self.written.append(frame)


def _idle(outbox: Outbox[str]) -> bool:
    return outbox.state is OutboxState.IDLE


async def test_frames_are_written_at_once_while_the_socket_keeps_up() -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=4)
    assert outbox.put("before") and outbox.state is OutboxState.UNBOUND
    drain = asyncio.create_task(outbox.drain(socket.send))
    await eventually(lambda: _idle(outbox))
    assert socket.written == ["before"]
    for n in range(100):  # far over the limit: nothing queues
        assert outbox.put(f"f{n}")
        assert socket.written[-1] == f"f{n}"  # written synchronously, no task switch
    assert len(outbox) == 0
    drain.cancel()
    await asyncio.gather(drain, return_exceptions=True)


async def test_frames_queue_in_order_behind_a_write_that_waits() -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=3)
    drain = asyncio.create_task(outbox.drain(socket.send))
    await eventually(lambda: _idle(outbox))
    socket.writable.clear()
    assert outbox.put("a")  # starts, then waits for the socket
    assert outbox.state is OutboxState.BUSY and socket.calls_suspended == 1
    assert all(outbox.put(f) for f in ("b", "c", "d"))
    assert not outbox.put("e")  # the limit: a client that stopped reading
    assert socket.written == []
    socket.writable.set()
    await eventually(lambda: _idle(outbox))
    assert socket.written == ["a", "b", "c", "d"]
    assert outbox.put("f") and socket.written[-1] == "f"
    drain.cancel()
    await asyncio.gather(drain, return_exceptions=True)


@pytest.mark.parametrize("stalled", [False, True])
async def test_a_failed_write_ends_the_drain_with_its_error(stalled: bool) -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=3)
    drain = asyncio.create_task(outbox.drain(socket.send))
    await eventually(lambda: _idle(outbox))
    socket.fail_on = "bad"
    if stalled:
        socket.writable.clear()
    assert outbox.put("bad")
    assert outbox.put("after")  # queued behind (stalled) or ignored (failed): never raises here
    socket.writable.set()
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(drain, 5)
    assert socket.written == []


async def test_cancelling_the_drain_closes_a_waiting_write() -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=3)
    drain = asyncio.create_task(outbox.drain(socket.send))
    await eventually(lambda: _idle(outbox))
    socket.writable.clear()
    outbox.put("a")
    await asyncio.sleep(0)
    drain.cancel()
    results = await asyncio.gather(drain, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    socket.writable.set()
    await asyncio.sleep(0.01)
    assert socket.written == []  # the waiting write was abandoned, not finished later
    assert outbox.state is OutboxState.CLOSED
    assert outbox.put("late") and len(outbox) == 0  # dropped: the connection is over
    await asyncio.sleep(0.01)
    assert socket.written == []


async def test_an_outbox_drains_for_one_socket_only() -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=3)
    drain = asyncio.create_task(outbox.drain(socket.send))
    await eventually(lambda: _idle(outbox))
    with pytest.raises(OutboxError):
        await outbox.drain(socket.send)
    drain.cancel()
    await asyncio.gather(drain, return_exceptions=True)


async def test_a_synchronous_writer_is_used_first_and_its_failure_ends_the_drain() -> None:
    socket, outbox = FakeSocket(), Outbox[str](limit=3)
    synchronous: list[str] = []

    def write(frame: str) -> bool:
        if frame == "boom":
            raise RuntimeError("transport gone wrong")
        if frame.startswith("async"):
            return False  # declined: `send` writes it
        synchronous.append(frame)
        return True

    drain = asyncio.create_task(outbox.drain(socket.send, write))
    await eventually(lambda: _idle(outbox))
    assert outbox.put("a") and outbox.put("async b")
    assert synchronous == ["a"] and socket.written == ["async b"]
    assert outbox.put("boom")  # the caller (a room's fan-out) never sees the error
    with pytest.raises(RuntimeError, match="transport gone wrong"):
        await asyncio.wait_for(drain, 5)
    assert outbox.put("late") and synchronous == ["a"]


async def test_a_write_that_waits_more_than_once_is_finished_in_order() -> None:
    outbox = Outbox[str](limit=3)
    first, second = asyncio.Event(), asyncio.Event()
    written: list[str] = []

    async def send(frame: str) -> None:
        if frame == "slow":
            await first.wait()
            await second.wait()  # a second suspension, on a new future
        written.append(frame)

    drain = asyncio.create_task(outbox.drain(send))
    await eventually(lambda: _idle(outbox))
    assert outbox.put("slow") and outbox.put("next")
    first.set()
    await asyncio.sleep(0.01)
    assert written == []
    second.set()
    await eventually(lambda: written == ["slow", "next"])
    assert outbox.state is OutboxState.IDLE
    drain.cancel()
    await asyncio.gather(drain, return_exceptions=True)
