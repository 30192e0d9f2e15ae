"""SQL for uploaded media: one row per upload, blobs addressed by SHA-256 on disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class MediaRecord:
    id: int
    project_id: int
    board_id: int | None
    uploader_id: int | None
    sha256: str
    mime: str
    kind: str
    size: int
    original_name: str
    width: int | None
    height: int | None
    thumb_sha256: str | None
    thumb_mime: str | None
    thumb_size: int
    status: str
    reason: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> MediaRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["board_id"],
            row["uploader_id"],
            row["sha256"],
            row["mime"],
            row["kind"],
            row["size"],
            row["original_name"],
            row["width"],
            row["height"],
            row["thumb_sha256"],
            row["thumb_mime"],
            row["thumb_size"],
            row["status"],
            row["reason"],
            from_iso(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class NewMedia:
    project_id: int
    board_id: int
    uploader_id: int
    sha256: str
    mime: str
    kind: str
    size: int
    original_name: str
    width: int | None
    height: int | None
    thumb_sha256: str | None
    thumb_mime: str | None
    thumb_size: int


class MediaRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self, media: NewMedia, *, status: str, reason: str | None, now: datetime
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO media (project_id, board_id, uploader_id, sha256, mime, kind, size,"
            " original_name, width, height, thumb_sha256, thumb_mime, thumb_size, status,"
            " reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                media.project_id,
                media.board_id,
                media.uploader_id,
                media.sha256,
                media.mime,
                media.kind,
                media.size,
                media.original_name,
                media.width,
                media.height,
                media.thumb_sha256,
                media.thumb_mime,
                media.thumb_size,
                status,
                reason,
                to_iso(now),
            ),
        )

    async def lock_quota(self, project_id: int) -> None:
        """First statement of a transaction that checks and spends the project's storage
        quota: two uploads (in any processes) cannot both pass the check on the same bytes."""
        await self._ex.lock("project_quota", project_id)

    async def get(self, media_id: int) -> MediaRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM media WHERE id = ?", (media_id,))
        return MediaRecord.from_row(row) if row else None

    async def many(self, media_ids: list[int]) -> dict[int, MediaRecord]:
        if not media_ids:
            return {}
        marks = ",".join("?" * len(media_ids))
        rows = await self._ex.fetch_all(
            f"SELECT * FROM media WHERE id IN ({marks})", list(media_ids)
        )
        return {row["id"]: MediaRecord.from_row(row) for row in rows}

    async def set_status(self, media_id: int, status: str) -> None:
        await self._ex.execute("UPDATE media SET status = ? WHERE id = ?", (status, media_id))

    async def usage(self, project_id: int) -> int:
        """Bytes the project stores: each distinct blob (file or thumbnail) counted once."""
        row = await self._ex.fetch_one(
            "SELECT COALESCE((SELECT SUM(size) FROM (SELECT MAX(size) AS size FROM media"
            "  WHERE project_id = ? GROUP BY sha256) AS files), 0)"
            " + COALESCE((SELECT SUM(size) FROM (SELECT MAX(thumb_size) AS size FROM media"
            "  WHERE project_id = ? AND thumb_sha256 IS NOT NULL GROUP BY thumb_sha256)"
            "  AS thumbs), 0)"
            " AS used",
            (project_id, project_id),
        )
        return int(row["used"]) if row else 0

    async def blob_used(self, sha256: str) -> bool:
        """Does any upload, of any project, use this blob as its file or thumbnail?"""
        row = await self._ex.fetch_one(
            "SELECT 1 AS found FROM media WHERE sha256 = ? OR thumb_sha256 = ? LIMIT 1",
            (sha256, sha256),
        )
        return row is not None

    async def shown_in_published_post(self, media_id: int) -> bool:
        row = await self._ex.fetch_one(
            "SELECT 1 AS found FROM board_posts p JOIN boards b ON b.id = p.board_id"
            " WHERE p.media_id = ? AND p.status = 'published' LIMIT 1",
            (media_id,),
        )
        return row is not None
