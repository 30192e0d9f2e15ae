"""SQL for CRDT documents: the update log, snapshots, and page versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class StoredDocument:
    snapshot: bytes | None
    upto_update_id: int
    updates: tuple[tuple[int, bytes], ...]

    @property
    def size(self) -> int:
        return len(self.snapshot or b"") + sum(len(u) for _, u in self.updates)


@dataclass(frozen=True, slots=True)
class VersionRecord:
    id: int
    page_id: int
    kind: str
    name: str | None
    size: int
    created_by: int | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> VersionRecord:
        return cls(
            row["id"],
            row["page_id"],
            row["kind"],
            row["name"],
            row["size"],
            row["created_by"],
            from_iso(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A version's bookkeeping without its content (for budgets and thinning)."""

    id: int
    page_id: int
    size: int
    created_at: datetime


class DocumentRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def _upto(self, room: str) -> int:
        row = await self._ex.fetch_one(
            "SELECT upto_update_id FROM doc_snapshots WHERE room = ?", (room,)
        )
        return int(row["upto_update_id"]) if row else 0

    async def load(self, room: str) -> StoredDocument:
        while True:  # a compaction between the two reads would hide updates: read again
            snapshot = await self._ex.fetch_one(
                "SELECT data, upto_update_id FROM doc_snapshots WHERE room = ?", (room,)
            )
            upto = snapshot["upto_update_id"] if snapshot else 0
            rows = await self._ex.fetch_all(
                "SELECT id, data FROM doc_updates WHERE room = ? AND id > ? ORDER BY id",
                (room, upto),
            )
            if await self._upto(room) == upto:
                break
        return StoredDocument(
            snapshot=bytes(snapshot["data"]) if snapshot else None,
            upto_update_id=upto,
            updates=tuple((r["id"], bytes(r["data"])) for r in rows),
        )

    async def load_since(self, room: str, after: int) -> StoredDocument:
        """What a reader who has every update up to id `after` lacks: the updates after it, or,
        when a compaction deleted some of those, the snapshot and the updates after it."""
        while True:
            upto = await self._upto(room)
            snapshot = None
            if upto > after:
                snapshot = await self._ex.fetch_one(
                    "SELECT data, upto_update_id FROM doc_snapshots WHERE room = ?", (room,)
                )
                upto = snapshot["upto_update_id"] if snapshot else 0
            rows = await self._ex.fetch_all(
                "SELECT id, data FROM doc_updates WHERE room = ? AND id > ? ORDER BY id",
                (room, max(after, upto)),
            )
            if await self._upto(room) == upto:
                break
        return StoredDocument(
            snapshot=bytes(snapshot["data"]) if snapshot else None,
            upto_update_id=max(after, upto),
            updates=tuple((r["id"], bytes(r["data"])) for r in rows),
        )

    async def heads(self, rooms: Sequence[str]) -> dict[str, int]:
        """Each room's head: the id of its newest stored update, or of the newest one its
        snapshot holds (0 for a room with nothing stored)."""
        found: dict[str, int] = dict.fromkeys(rooms, 0)
        for start in range(0, len(rooms), 500):
            chunk = list(rooms[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            for row in await self._ex.fetch_all(
                f"SELECT room, max(id) AS head FROM doc_updates WHERE room IN ({marks})"
                " GROUP BY room",
                chunk,
            ):
                found[row["room"]] = max(found[row["room"]], int(row["head"]))
            for row in await self._ex.fetch_all(
                f"SELECT room, upto_update_id AS head FROM doc_snapshots WHERE room IN ({marks})",
                chunk,
            ):
                found[row["room"]] = max(found[row["room"]], int(row["head"]))
        return found

    async def lock_log(self, room: str) -> None:
        """Serialise writers of the room's update log across processes (call in a tx), so
        that its updates become visible in id order: a reader that has every update up to
        id n never later finds a smaller id it missed (docs/cluster.md)."""
        await self._ex.lock("doc_log", room)

    async def take_upkeep_lease(self, room: str) -> bool:
        """The room's compaction lease for this transaction, if no other process holds it
        (a PostgreSQL advisory lock: it ends with the transaction or its connection)."""
        return await self._ex.try_lock("doc_upkeep", room)

    async def append_run(
        self, room: str, updates: Sequence[bytes], now: datetime
    ) -> tuple[int, int]:
        """Append `updates` to one room's log in order (call in a tx); returns the room's head
        before them and the id of the last one."""
        await self.lock_log(room)
        before = (await self.heads([room]))[room]
        await self.append([(room, data) for data in updates], now)
        return before, await self.last_update_id(room)  # under the lock: the last one is ours

    async def append(self, entries: Sequence[tuple[str, bytes]], now: datetime) -> None:
        stamp = to_iso(now)
        await self._ex.execute_many(
            "INSERT INTO doc_updates (room, data, created_at) VALUES (?, ?, ?)",
            [(room, data, stamp) for room, data in entries],
        )

    async def last_update_id(self, room: str) -> int:
        row = await self._ex.fetch_one(
            "SELECT max(id) AS id FROM doc_updates WHERE room = ?", (room,)
        )
        return int(row["id"]) if row and row["id"] is not None else 0

    async def update_count(self, room: str) -> int:
        row = await self._ex.fetch_one(
            "SELECT count(*) AS n FROM doc_updates WHERE room = ? AND id > coalesce("
            "(SELECT upto_update_id FROM doc_snapshots WHERE room = ?), 0)",
            (room, room),
        )
        return int(row["n"]) if row else 0

    async def replace_with_snapshot(
        self, room: str, state: bytes, upto_update_id: int, leftover: Sequence[bytes], now: datetime
    ) -> bool:
        """Compaction: one snapshot replaces the log up to `upto_update_id` (call in a tx).

        False, and nothing written, when the stored snapshot already covers that id: a
        compaction computed from older content never replaces a newer one."""
        await self.lock_log(room)
        if await self._upto(room) >= upto_update_id:
            return False
        await self._ex.execute(
            "INSERT INTO doc_snapshots (room, data, upto_update_id, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (room) DO UPDATE SET data = excluded.data,"
            " upto_update_id = excluded.upto_update_id, updated_at = excluded.updated_at",
            (room, state, upto_update_id, to_iso(now)),
        )
        await self._ex.execute(
            "DELETE FROM doc_updates WHERE room = ? AND id <= ?", (room, upto_update_id)
        )
        if leftover:
            await self.append([(room, data) for data in leftover], now)
        return True

    async def lock_versions(self, project_id: int) -> None:
        """Serialise writers of the versions of a project's pages (across processes too): the
        project's budget is shared by its pages, so one writer per project, not per page."""
        await self._ex.lock("project_versions", project_id)

    async def add_version(
        self,
        *,
        page_id: int,
        kind: str,
        name: str | None,
        data: bytes,
        created_by: int | None,
        now: datetime,
        content_hash: str | None = None,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO page_versions"
            " (page_id, kind, name, data, size, created_by, created_at, content_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (page_id, kind, name, data, len(data), created_by, to_iso(now), content_hash),
        )

    async def latest_content_hash(self, page_id: int) -> str | None:
        """The content fingerprint of the page's newest version (None if unknown)."""
        row = await self._ex.fetch_one(
            "SELECT content_hash FROM page_versions WHERE page_id = ? ORDER BY id DESC LIMIT 1",
            (page_id,),
        )
        return str(row["content_hash"]) if row and row["content_hash"] else None

    async def version_bytes(
        self, *, page_id: int | None = None, project_id: int | None = None
    ) -> int:
        """Bytes held by the versions of one page, or of every page of one project."""
        if page_id is not None:
            row = await self._ex.fetch_one(
                "SELECT coalesce(sum(size), 0) AS n FROM page_versions WHERE page_id = ?",
                (page_id,),
            )
        else:
            row = await self._ex.fetch_one(
                "SELECT coalesce(sum(v.size), 0) AS n FROM page_versions v"
                " JOIN pages p ON p.id = v.page_id WHERE p.project_id = ?",
                (project_id,),
            )
        return int(row["n"]) if row else 0

    async def automatic_versions(
        self, *, page_id: int | None = None, project_id: int | None = None
    ) -> list[StoredVersion]:
        """Automatic versions of one page or one project, oldest first (no content)."""
        if page_id is not None:
            rows = await self._ex.fetch_all(
                "SELECT id, page_id, size, created_at FROM page_versions"
                " WHERE page_id = ? AND kind = 'auto' ORDER BY created_at, id",
                (page_id,),
            )
        else:
            rows = await self._ex.fetch_all(
                "SELECT v.id, v.page_id, v.size, v.created_at FROM page_versions v"
                " JOIN pages p ON p.id = v.page_id"
                " WHERE p.project_id = ? AND v.kind = 'auto' ORDER BY v.created_at, v.id",
                (project_id,),
            )
        return [
            StoredVersion(r["id"], r["page_id"], r["size"], from_iso(r["created_at"])) for r in rows
        ]

    async def delete_versions(self, ids: Sequence[int]) -> None:
        await self._ex.execute_many("DELETE FROM page_versions WHERE id = ?", [(i,) for i in ids])

    async def versions(
        self, page_id: int, *, limit: int, before: int | None
    ) -> list[VersionRecord]:
        rows = await self._ex.fetch_all(
            "SELECT id, page_id, kind, name, size, created_by, created_at FROM page_versions"
            " WHERE page_id = ? AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
            (page_id, before, before, limit),
        )
        return [VersionRecord.from_row(r) for r in rows]

    async def version(self, page_id: int, version_id: int) -> tuple[VersionRecord, bytes] | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM page_versions WHERE page_id = ? AND id = ?", (page_id, version_id)
        )
        return (VersionRecord.from_row(row), bytes(row["data"])) if row else None

    async def latest_version_at(self, page_id: int) -> datetime | None:
        row = await self._ex.fetch_one(
            "SELECT max(created_at) AS at FROM page_versions WHERE page_id = ?", (page_id,)
        )
        return from_iso(row["at"]) if row and row["at"] else None
