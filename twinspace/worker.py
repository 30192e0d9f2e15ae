"""A background worker: one named task started and stopped with the app, which a caller can
wake early (`nudge`). Subclasses write `_run`, the loop; `_wake` is theirs to wait on."""

from __future__ import annotations

import asyncio
import contextlib


class Worker:
    task_name = "worker"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def nudge(self) -> None:
        """Run now rather than at the next period."""
        self._wake.set()

    async def _run(self) -> None:
        raise NotImplementedError
