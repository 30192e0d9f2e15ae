"""Durable documents: group commits of updates, compaction into snapshots, versions.

Updates are queued in memory and written by one task in batches (one transaction per batch,
`persist_batch_ms` apart: 100 ms embedded, 20 ms clustered). An edit is acknowledged to its
client only once its batch is committed (`wait_durable`, docs/cluster.md "Acknowledged means
stored"): a crash loses only edits nobody was told were saved, which reconnecting clients
re-send during their sync.
Compaction and version encoding build their own documents from stored bytes in a worker
thread, so the event loop never stalls.

In clustered mode each room's updates are appended under a per-room lock, so they become
visible in id order, and every committed run is handed to `on_commit` (the cluster relay
publishes it); a compaction runs only under the room's upkeep lease (docs/cluster.md).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from twinspace.clock import utcnow
from twinspace.config import Settings
from twinspace.realtime import crdt
from twinspace.storage import Storage
from twinspace.storage.documents import DocumentRepo, StoredDocument

log = logging.getLogger("twinspace.realtime.persistence")

RETRY_DELAYS = (0.05, 0.2, 1.0, 2.0, 5.0)


@dataclass(frozen=True, slots=True)
class CommittedRun:
    """Updates of one room committed together: ids `after` < id <= `last` are exactly them."""

    room: str
    after: int
    last: int
    updates: tuple[bytes, ...]


CommitListener = Callable[[list[CommittedRun]], None]


@dataclass(frozen=True, slots=True)
class DurableState:
    """A document's stored content merged into one update, and its size."""

    state: bytes
    leftover: tuple[bytes, ...]


class DocumentPersistence:
    def __init__(self, storage: Storage, settings: Settings, engine: crdt.Engine) -> None:
        self._storage = storage
        self._settings = settings
        self._engine = engine
        self._queue: list[tuple[str, bytes]] = []
        self._queued_bytes = 0
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._since_snapshot: Counter[str] = Counter()
        self._compacting: dict[str, asyncio.Task[bool]] = {}
        self._stopping = False
        self.failing = False
        self.batches_written = 0
        self.compactions = 0
        # The encoded state of a room's live document, when it is loaded and holds every
        # stored update up to the given id (set by the rooms).
        self.live_state: Callable[[str, int], bytes | None] | None = None
        # updates appended and committed so far, counted in append order
        self._appended = 0
        self._committed = 0
        self._durable_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._commit_listeners: list[CommitListener] = []

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="doc-persistence")

    async def stop(self) -> None:
        """Flush everything queued, wait for compactions, stop the writer."""
        self._stopping = True  # no compaction follows another from here
        await self.flush()
        if self._compacting:
            await asyncio.gather(*self._compacting.values(), return_exceptions=True)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    # -- writes ---------------------------------------------------------------------------

    @property
    def queued_bytes(self) -> int:
        return self._queued_bytes

    @property
    def accepting(self) -> bool:
        """False while the store is failing and the in-memory queue is at its bound."""
        return self._queued_bytes < self._settings.persist_max_queued_bytes

    def on_commit(self, listener: CommitListener) -> None:
        """Call `listener(runs)` after each committed batch (clustered mode)."""
        self._commit_listeners.append(listener)

    def append(self, room: str, update: bytes) -> int:
        """Queue `update`; returns its sequence number for `wait_durable`."""
        self._queue.append((room, update))
        self._appended += 1
        self._queued_bytes += len(update)
        self._since_snapshot[room] += 1
        self._idle.clear()
        self._wakeup.set()
        return self._appended

    @property
    def appended(self) -> int:
        """The sequence number of the newest appended update."""
        return self._appended

    def is_durable(self, sequence: int) -> bool:
        return self._committed >= sequence

    async def wait_durable(self, sequence: int) -> None:
        """Wait until the update numbered `sequence` (and every one before it) is committed."""
        if self._committed >= sequence:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._durable_waiters.append((sequence, waiter))
        self._wakeup.set()
        await waiter

    def _committed_through(self, count: int) -> None:
        self._committed += count
        still = []
        for sequence, waiter in self._durable_waiters:
            if sequence <= self._committed:
                if not waiter.done():
                    waiter.set_result(None)
            elif not waiter.done():
                still.append((sequence, waiter))
        self._durable_waiters = still

    async def flush(self) -> None:
        """Wait until everything appended so far is committed."""
        if self._task is None or self._task.done():
            await self._write_all()
            return
        self._wakeup.set()
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            if self._settings.persist_batch_seconds:
                await asyncio.sleep(self._settings.persist_batch_seconds)
            await self._write_all()

    async def _write_all(self) -> None:
        attempt = 0
        while self._queue:
            batch, self._queue = self._queue, []
            runs: list[CommittedRun] = []
            try:
                async with self._storage.transaction() as tx:
                    if self._settings.clustered:
                        runs = await self._append_runs(tx.documents, batch)
                    else:
                        await tx.documents.append(batch, utcnow())
            except Exception as exc:
                self._queue[:0] = batch
                self.failing = True
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                attempt += 1
                log.error(
                    "storing %d document updates failed (%s); retrying in %.2fs",
                    len(batch),
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            attempt = 0
            self.failing = False
            self.batches_written += 1
            self._queued_bytes -= sum(len(update) for _, update in batch)
            self._committed_through(len(batch))
            for listener in list(self._commit_listeners):
                try:
                    listener(runs)
                except Exception:
                    log.exception("document commit listener failed")
            self._schedule_compactions({room for room, _ in batch})
        self._idle.set()

    @staticmethod
    async def _append_runs(
        documents: DocumentRepo, batch: list[tuple[str, bytes]]
    ) -> list[CommittedRun]:
        """One run per room, rooms in name order (so two processes' batches never wait for
        each other's room locks in a cycle)."""
        by_room: dict[str, list[bytes]] = {}
        for room, update in batch:
            by_room.setdefault(room, []).append(update)
        now = utcnow()
        runs = []
        for room in sorted(by_room):
            updates = by_room[room]
            after, last = await documents.append_run(room, updates, now)
            runs.append(CommittedRun(room, after, last, tuple(updates)))
        return runs

    # -- reads ----------------------------------------------------------------------------

    async def load(self, room: str) -> StoredDocument:
        await self.flush()
        stored = await self._storage.documents.load(room)
        self._since_snapshot[room] = len(stored.updates)
        return stored

    async def durable_state(self, room: str) -> DurableState:
        """Everything stored for `room`, merged in a worker thread."""
        await self.flush()
        stored = await self._storage.documents.load(room)
        inputs = ([stored.snapshot] if stored.snapshot else []) + [u for _, u in stored.updates]
        result = await asyncio.to_thread(crdt.compact, inputs, self._engine)
        return DurableState(result.state, result.leftover)

    def forget(self, room: str) -> None:
        """The room is unloaded: stop tracking its counters."""
        self._since_snapshot.pop(room, None)

    # -- compaction -----------------------------------------------------------------------

    def _schedule_compactions(self, rooms: set[str]) -> None:
        for room in rooms:
            if (
                self._since_snapshot[room] >= self._settings.compact_after_updates
                and room not in self._compacting
            ):
                task = asyncio.create_task(self.compact(room), name=f"compact:{room}")
                self._compacting[room] = task
                task.add_done_callback(self._compaction_done)

    async def _compact_live(self, documents: DocumentRepo, room: str) -> bool | None:
        """Compact from the loaded document: whether the next compaction is due already
        (`compact`), or None when the room is not loaded (or, in a cluster, its document may
        lack stored updates other processes wrote)."""
        if self.live_state is None:
            return None
        await self.flush()
        # The updates counted so far, read before `upto`: a batch committed while `upto` is
        # read is then counted and maybe folded in (one compaction early at worst), never
        # folded out of the count while still in the log (no compaction due again).
        covered = self._since_snapshot.get(room, 0)
        upto = await documents.last_update_id(room)
        state = self.live_state(room, upto)  # no await since reading `upto`: it covers the log
        if state is None:
            return None
        if not upto:
            return False
        replaced = False
        async with self._writes(documents) as tx:
            if await tx.replace_with_snapshot(room, state, upto, (), utcnow()):
                self.compactions += 1
                replaced = True
        return self._recount(room, covered, replaced)

    @asynccontextmanager
    async def compaction_lease(self, room: str) -> AsyncIterator[DocumentRepo | None]:
        """The documents to compact `room` with, or None when another process compacts it.

        Embedded: the autocommit repositories (this process is the only writer). Clustered:
        one transaction holding the room's upkeep lease from the first read to the commit, so
        a process that dies or loses its connection loses the lease and its uncommitted
        snapshot together (docs/cluster.md, "One compactor per page")."""
        if not self._settings.clustered:
            yield self._storage.documents
            return
        async with self._storage.transaction() as tx:
            if not await tx.documents.take_upkeep_lease(room):
                log.debug("compaction of %s skipped: another process holds its lease", room)
                yield None
                return
            log.info("compaction lease taken: %s at %.6f", room, time.time())
            try:
                yield tx.documents
            finally:
                log.info("compaction lease ends: %s at %.6f", room, time.time())

    @asynccontextmanager
    async def _writes(self, documents: DocumentRepo) -> AsyncIterator[DocumentRepo]:
        """Where a compaction writes: its own transaction (embedded) or the lease's."""
        if documents is self._storage.documents:
            async with self._storage.transaction() as tx:
                yield tx.documents
        else:
            yield documents

    def _compaction_done(self, task: asyncio.Task[bool]) -> None:
        for room, running in list(self._compacting.items()):
            if running is task:
                del self._compacting[room]
                if not self._stopping and not task.cancelled() and task.result():
                    # Updates committed while it ran stay counted, and their commits found
                    # it running: when they reached the threshold, no later commit may come
                    # to start the next one.
                    self._schedule_compactions({room})

    async def compact(self, room: str) -> bool:
        """Replace the stored log of `room` by one snapshot (leftovers stay in the log).
        True when the updates stored while it ran are already enough for the next one
        (leftovers aside: they wait for their dependencies, not for a compaction).

        A loaded room's live document already holds everything stored (every stored update
        came from it, or, in a cluster, it has applied the log up to the newest id), so its
        state is encoded directly: no re-reading and re-merging of the log, which would hold
        the GIL for long in a worker thread."""
        replaced = False
        try:
            async with self.compaction_lease(room) as documents:
                if documents is None:
                    return False
                live = await self._compact_live(documents, room)
                if live is not None:
                    return live
                stored = await documents.load(room)
                if not stored.updates:
                    return False
                inputs = [stored.snapshot] if stored.snapshot else []
                inputs += [u for _, u in stored.updates]
                result = await asyncio.to_thread(crdt.compact, inputs, self._engine)
                upto = stored.updates[-1][0]
                async with self._writes(documents) as tx:
                    if await tx.replace_with_snapshot(
                        room, result.state, upto, result.leftover, utcnow()
                    ):
                        self.compactions += 1
                        replaced = True
            due = self._recount(room, len(stored.updates), replaced, len(result.leftover))
            log.debug(
                "compacted %s: %d updates into %d bytes",
                room,
                len(stored.updates),
                len(result.state),
            )
        except Exception:
            log.exception("compaction of %s failed; the update log is kept", room)
            return False
        return due

    def _recount(self, room: str, covered: int, replaced: bool, leftover: int = 0) -> bool:
        """Uncount the `covered` updates a compaction folded in; whether the next one is due.

        Updates stored while it ran stay counted (they are still in the log) and make the next
        compaction due once they reach the threshold; leftovers wait for their dependencies,
        not for a compaction, so they are counted but never make one due."""
        arrived = max(0, self._since_snapshot.get(room, 0) - covered)
        self._since_snapshot[room] = arrived + leftover
        return replaced and arrived >= self._settings.compact_after_updates
