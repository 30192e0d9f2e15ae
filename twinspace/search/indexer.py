"""Keeps the search index up to date in the background, so posting never waits for it.

Triggers mark each changed item in `search_dirty` inside the transaction that changed it; a page
is marked again when its edits settle. The indexer wakes every `interval` seconds (or when
nudged), takes up to `batch` marks, reads the items where they live (a page's words from its
stored document) and writes their entries in one transaction; an item that is gone, or a page
whose document cannot be read, loses its entry. Marks are cleared only after their entries are
written, so a crash repeats work rather than losing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from twinspace.realtime.rooms import RoomInfo
from twinspace.search.text import fold
from twinspace.storage import Storage
from twinspace.storage.search import SearchSource
from twinspace.worker import Worker

log = logging.getLogger(__name__)

PageText = Callable[[str], Awaitable[str]]
MAX_BODY_CHARS = 200_000  # a page's words past this are not searched (a 300 KB page is ~150k)


class SearchIndexer(Worker):
    task_name = "search-indexer"

    def __init__(
        self, storage: Storage, page_text: PageText, *, interval: float = 0.25, batch: int = 500
    ) -> None:
        super().__init__()
        self._storage = storage
        self._page_text = page_text
        self._interval = interval
        self._batch = batch
        self.indexed = 0

    def page_settled(self, info: RoomInfo) -> None:
        """A page's edits paused: its words change (DocumentService.on_settled listener)."""
        task = asyncio.get_running_loop().create_task(self._mark_page(info.page_id))
        task.add_done_callback(_log_failure)

    async def _mark_page(self, page_id: int) -> None:
        await self._storage.search.mark("page", page_id)
        self.nudge()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                if await self.run_once() == self._batch:
                    self._wake.set()  # more to do: go on after letting posting in
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("search indexing failed; retrying")

    async def run_once(self) -> int:
        """Apply one batch of marks; returns how many marks it took."""
        marks = await self._storage.search.dirty(self._batch)
        if not marks:
            return 0
        by_kind: dict[str, list[int]] = defaultdict(list)
        for kind, item_id in marks:
            by_kind[kind].append(item_id)
        found: dict[tuple[str, int], tuple[SearchSource, str]] = {}
        for kind, ids in by_kind.items():
            for source in await self._storage.search.sources(kind, ids):
                body = source.text if source.text is not None else await self._page_body(source)
                found[(kind, source.item_id)] = (source, body[:MAX_BODY_CHARS])
        async with self._storage.transaction() as tx:
            await tx.search.lock_index()
            for mark in marks:
                if mark in found:
                    source, body = found[mark]
                    await tx.search.put(source, body, (fold(source.title), fold(body)))
                else:
                    await tx.search.remove(*mark)
            await tx.search.clear(marks)
        self.indexed += len(marks)
        return len(marks)

    async def _page_body(self, source: SearchSource) -> str:
        if source.room is None or source.status == "deleted":
            return ""
        try:
            # a client may have put U+0000 into the page; PostgreSQL's text cannot hold it
            return (await self._page_text(source.room)).replace("\x00", " ")
        except Exception:
            log.warning("page %s could not be read for search", source.item_id, exc_info=True)
            return ""


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("marking a page for search failed", exc_info=task.exception())
