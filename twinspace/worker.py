"""A background worker: one named task started and stopped with the app, which a caller can
wake early (`nudge`). Subclasses write `_run`, the loop; `_wake` is theirs to wait on."""

from __future__ import annotations

import asyncio


async def cancel_and_wait(*tasks: asyncio.Task[None] | None) -> None:
    """Cancel the tasks (None: nothing to stop) and wait until each has ended, however."""
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)


class Worker:
    task_name = "worker"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)

    def nudge(self) -> None:
        """Run now rather than at the next period."""
        self._wake.set()

    async def _run(self) -> None:
        raise NotImplementedError
