"""Draining one process on SIGTERM (docs/cluster.md, "Running a cluster").

SIGTERM starts the drain: `/readyz` answers 503 at once, so a load balancer's health check
takes the process out of rotation; after `TWINSPACE_DRAIN_SECONDS` the process stops accepting,
closes every websocket with 1012 (`close_codes.RESTART`: clients reconnect, through the load
balancer, to another process) — spread over `TWINSPACE_DRAIN_CLOSE_SECONDS`, so the other
processes do not take every reconnect in the same instant — waits for requests in flight,
flushes pending page edits and exits 0. SIGINT (Ctrl-C) skips the wait.
"""

from __future__ import annotations

import asyncio
import enum
import math
import signal
import socket
import time
from types import FrameType

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

CLOSE_BATCHES = 50  # at most this many pauses while closing websockets


class DrainState(enum.Enum):
    SERVING = "serving"
    DRAINING = "draining"


class Drain:
    """Whether this process still takes new work; `/readyz` reads it."""

    def __init__(self, seconds: float, close_seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.close_seconds = close_seconds
        self.state = DrainState.SERVING
        self._stop_at: float | None = None

    @property
    def draining(self) -> bool:
        return self.state is DrainState.DRAINING

    def begin(self) -> None:
        if self.state is DrainState.SERVING:
            self.state = DrainState.DRAINING
            self._stop_at = time.monotonic() + self.seconds

    def due(self) -> bool:
        """The drain window has passed: time to stop accepting and close sockets."""
        return self._stop_at is not None and time.monotonic() >= self._stop_at


class DrainingServer(uvicorn.Server):
    """uvicorn's server, whose SIGTERM drains first and then exits 0 (not re-raised: a drained
    process ended as asked). uvicorn's own shutdown then closes websockets with 1012."""

    def __init__(self, config: uvicorn.Config, drain: Drain) -> None:
        super().__init__(config)
        self.drain = drain

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and not self.should_exit:
            self.drain.begin()
            return
        self.drain.begin()
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        if await super().on_tick(counter):
            return True
        return self.drain.due()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.drain.close_seconds > 0 and not self.force_exit:
            await self._close_websockets_gradually()
        await super().shutdown(sockets=sockets)

    async def _close_websockets_gradually(self) -> None:
        for server in self.servers:
            server.close()  # stop accepting first (uvicorn's shutdown does it again)
        # every connection that is not plain HTTP has been upgraded to a websocket
        websockets = [c for c in self.server_state.connections if not isinstance(c, H11Protocol)]
        if not websockets:
            return
        batches = min(len(websockets), CLOSE_BATCHES)
        size = math.ceil(len(websockets) / batches)
        pause = self.drain.close_seconds / batches
        for start in range(0, len(websockets), size):
            if self.force_exit:
                return
            for connection in websockets[start : start + size]:
                connection.shutdown()  # close code 1012, as uvicorn's own shutdown sends
            await asyncio.sleep(pause)
