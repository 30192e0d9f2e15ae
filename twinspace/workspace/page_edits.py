"""Pages' last-edited time and editor, from real edits (docs/design.md, "Realtime": "Pages").

Every integrated client update marks its page; one task writes the marks of every edited page
in one transaction at most every `page_edit_record_seconds`, so typing never waits for the
database and a busy page costs one row update per period, not one per keystroke.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from twinspace.storage import Storage
from twinspace.worker import Worker

log = logging.getLogger("twinspace.workspace.page_edits")


class PageEditRecorder(Worker):
    task_name = "page-edit-recorder"

    def __init__(self, storage: Storage, period_seconds: float) -> None:
        super().__init__()
        self._storage = storage
        self._period = period_seconds
        # page id -> (POSIX time, editor; None: a server-side change such as a restore): an
        # aware datetime per edit would cost ~1 µs more, ~2 % of a light fan-out's CPU
        # (bench/README.md, "Event loop"); it is made when the marks are written
        self._marks: dict[int, tuple[float, int | None]] = {}

    async def stop(self) -> None:
        await super().stop()
        await self.write()

    def mark(self, page_id: int, by: int | None) -> None:
        self._marks[page_id] = (time.time(), by)
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._marks)

    async def write(self) -> None:
        """Write every mark taken so far (a failed write keeps them for the next period)."""
        if not self._marks:
            return
        marks, self._marks = self._marks, {}
        try:
            async with self._storage.transaction() as tx:
                # in page order: processes of a cluster writing overlapping pages then lock
                # their rows in the same order and never deadlock (docs/cluster.md)
                for page_id, (at, by) in sorted(marks.items()):
                    await tx.pages.record_edit(page_id, datetime.fromtimestamp(at, UTC), by)
        except Exception:
            log.exception("recording the last edit of %d pages failed; retrying", len(marks))
            for page_id, mark in marks.items():
                self._marks.setdefault(page_id, mark)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self._period)
            await self.write()
