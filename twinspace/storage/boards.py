"""SQL for media boards: settings, sections (columns), posts, comments and post reactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.chat import ReactionRepo
from twinspace.storage.db import Executor, Row

# Same visibility rule as chat messages (see storage/chat.py); `{t}` is the table alias.
_VISIBLE = (
    "(? = 1 OR {t}.status = 'published'"
    " OR ({t}.author_id = ? AND {t}.status IN ('held', 'blocked', 'deleted'))"
    " OR ({t}.status = 'deleted' AND {t}.published_at IS NOT NULL))"
)


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


@dataclass(frozen=True, slots=True)
class SectionRecord:
    id: int
    board_id: int
    title: str
    position: float

    @classmethod
    def from_row(cls, row: Row) -> SectionRecord:
        return cls(row["id"], row["board_id"], row["title"], float(row["position"]))


@dataclass(frozen=True, slots=True)
class PostRecord:
    id: int
    board_id: int
    project_id: int
    section_id: int | None
    author_id: int | None
    author_name: str | None
    kind: str
    title: str
    body: str
    url: str | None
    media_id: int | None
    position: float
    status: str
    reason: str | None
    created_at: datetime
    edited_at: datetime | None
    published_at: datetime | None
    reason_code: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> PostRecord:
        return cls(
            row["id"],
            row["board_id"],
            row["project_id"],
            row["section_id"],
            row["author_id"],
            row["author_name"],
            row["kind"],
            row["title"],
            row["body"],
            row["url"],
            row["media_id"],
            float(row["position"]),
            row["status"],
            row["reason"],
            from_iso(row["created_at"]),
            _opt_dt(row["edited_at"]),
            _opt_dt(row["published_at"]),
            row["reason_code"],
        )


@dataclass(frozen=True, slots=True)
class CommentRecord:
    id: int
    post_id: int
    board_id: int
    project_id: int
    author_id: int | None
    author_name: str | None
    text: str
    status: str
    reason: str | None
    created_at: datetime
    published_at: datetime | None
    reason_code: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> CommentRecord:
        return cls(
            row["id"],
            row["post_id"],
            row["board_id"],
            row["project_id"],
            row["author_id"],
            row["author_name"],
            row["text"],
            row["status"],
            row["reason"],
            from_iso(row["created_at"]),
            _opt_dt(row["published_at"]),
            row["reason_code"],
        )


_POSTS = (
    "SELECT p.*, u.display_name AS author_name FROM board_posts p"
    " LEFT JOIN users u ON u.id = p.author_id"
)
_COMMENTS = (
    "SELECT c.*, u.display_name AS author_name FROM post_comments c"
    " LEFT JOIN users u ON u.id = c.author_id"
)
_PUBLISHED_AT = (
    "published_at = CASE WHEN ? = 'published' THEN COALESCE(published_at, ?) ELSE published_at END"
)


class BoardContentRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex
        self.reactions = ReactionRepo(ex, "post")

    # -- settings -------------------------------------------------------------------------

    async def settings(self, board_id: int) -> str:
        row = await self._ex.fetch_one("SELECT settings FROM boards WHERE id = ?", (board_id,))
        return str(row["settings"]) if row else "{}"

    async def set_settings(self, board_id: int, settings_json: str) -> None:
        await self._ex.execute(
            "UPDATE boards SET settings = ? WHERE id = ?", (settings_json, board_id)
        )

    async def update_board(
        self, board_id: int, *, title: str | None, description: str | None
    ) -> None:
        await self._ex.execute(
            "UPDATE boards SET title = COALESCE(?, title),"
            " description = COALESCE(?, description) WHERE id = ?",
            (title, description, board_id),
        )

    # -- sections -------------------------------------------------------------------------

    async def create_section(
        self, board_id: int, title: str, position: float, now: datetime
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO board_sections (board_id, title, position, created_at)"
            " VALUES (?, ?, ?, ?)",
            (board_id, title, position, to_iso(now)),
        )

    async def section(self, section_id: int) -> SectionRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM board_sections WHERE id = ?", (section_id,))
        return SectionRecord.from_row(row) if row else None

    async def sections(self, board_id: int) -> list[SectionRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM board_sections WHERE board_id = ? ORDER BY position, id", (board_id,)
        )
        return [SectionRecord.from_row(r) for r in rows]

    async def update_section(
        self, section_id: int, *, title: str | None, position: float | None
    ) -> None:
        await self._ex.execute(
            "UPDATE board_sections SET title = COALESCE(?, title),"
            " position = COALESCE(?, position) WHERE id = ?",
            (title, position, section_id),
        )

    async def delete_section(self, section_id: int) -> None:
        await self._ex.execute("DELETE FROM board_sections WHERE id = ?", (section_id,))

    # -- posts ----------------------------------------------------------------------------

    async def create_post(
        self,
        *,
        board_id: int,
        project_id: int,
        section_id: int | None,
        author_id: int,
        kind: str,
        title: str,
        body: str,
        url: str | None,
        media_id: int | None,
        position: float,
        status: str,
        reason: str | None,
        reason_code: str | None,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO board_posts (board_id, project_id, section_id, author_id, kind, title,"
            " body, url, media_id, position, status, reason, reason_code, created_at,"
            " published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                board_id,
                project_id,
                section_id,
                author_id,
                kind,
                title,
                body,
                url,
                media_id,
                position,
                status,
                reason,
                reason_code,
                to_iso(now),
                to_iso(now) if status == "published" else None,
            ),
        )

    async def post(self, post_id: int) -> PostRecord | None:
        row = await self._ex.fetch_one(_POSTS + " WHERE p.id = ?", (post_id,))
        return PostRecord.from_row(row) if row else None

    async def posts(
        self, board_id: int, *, viewer_id: int, viewer_is_teacher: bool, limit: int
    ) -> list[PostRecord]:
        rows = await self._ex.fetch_all(
            f"{_POSTS} WHERE p.board_id = ? AND {_VISIBLE.format(t='p')}"
            " ORDER BY p.position, p.id LIMIT ?",
            (board_id, int(viewer_is_teacher), viewer_id, limit),
        )
        return [PostRecord.from_row(r) for r in rows]

    async def positions(self, board_id: int, section_id: int | None) -> list[tuple[int, float]]:
        """(post id, position) of every post in one section (any status), in order."""
        rows = await self._ex.fetch_all(
            "SELECT id, position FROM board_posts WHERE board_id = ?"
            " AND section_id IS NOT DISTINCT FROM ?"
            " ORDER BY position, id",
            (board_id, section_id),
        )
        return [(row["id"], float(row["position"])) for row in rows]

    async def update_post(
        self,
        post_id: int,
        *,
        title: str,
        body: str,
        url: str | None,
        status: str,
        reason: str | None,
        reason_code: str | None,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            f"UPDATE board_posts SET title = ?, body = ?, url = ?, status = ?, reason = ?,"
            f" reason_code = ?, edited_at = ?, {_PUBLISHED_AT} WHERE id = ?",
            (
                title,
                body,
                url,
                status,
                reason,
                reason_code,
                to_iso(now),
                status,
                to_iso(now),
                post_id,
            ),
        )

    async def move_post(self, post_id: int, section_id: int | None, position: float) -> None:
        await self._ex.execute(
            "UPDATE board_posts SET section_id = ?, position = ? WHERE id = ?",
            (section_id, position, post_id),
        )

    async def set_post_status(self, post_id: int, status: str, now: datetime) -> None:
        await self._ex.execute(
            f"UPDATE board_posts SET status = ?, {_PUBLISHED_AT} WHERE id = ?",
            (status, status, to_iso(now), post_id),
        )

    async def posts_with_media(self, media_id: int) -> list[PostRecord]:
        rows = await self._ex.fetch_all(_POSTS + " WHERE p.media_id = ?", (media_id,))
        return [PostRecord.from_row(r) for r in rows]

    async def comment_counts(self, post_ids: Sequence[int]) -> dict[int, int]:
        if not post_ids:
            return {}
        marks = ",".join("?" * len(post_ids))
        rows = await self._ex.fetch_all(
            f"SELECT post_id, COUNT(*) AS n FROM post_comments WHERE post_id IN ({marks})"
            " AND status = 'published' GROUP BY post_id",
            list(post_ids),
        )
        return {row["post_id"]: row["n"] for row in rows}

    # -- comments -------------------------------------------------------------------------

    async def create_comment(
        self,
        *,
        post_id: int,
        board_id: int,
        project_id: int,
        author_id: int,
        text: str,
        status: str,
        reason: str | None,
        reason_code: str | None,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO post_comments (post_id, board_id, project_id, author_id, text, status,"
            " reason, reason_code, created_at, published_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                post_id,
                board_id,
                project_id,
                author_id,
                text,
                status,
                reason,
                reason_code,
                to_iso(now),
                to_iso(now) if status == "published" else None,
            ),
        )

    async def comment(self, comment_id: int) -> CommentRecord | None:
        row = await self._ex.fetch_one(_COMMENTS + " WHERE c.id = ?", (comment_id,))
        return CommentRecord.from_row(row) if row else None

    async def comments(
        self, post_id: int, *, viewer_id: int, viewer_is_teacher: bool, limit: int
    ) -> list[CommentRecord]:
        rows = await self._ex.fetch_all(
            f"{_COMMENTS} WHERE c.post_id = ? AND {_VISIBLE.format(t='c')} ORDER BY c.id LIMIT ?",
            (post_id, int(viewer_is_teacher), viewer_id, limit),
        )
        return [CommentRecord.from_row(r) for r in rows]

    async def set_comment_status(self, comment_id: int, status: str, now: datetime) -> None:
        await self._ex.execute(
            f"UPDATE post_comments SET status = ?, {_PUBLISHED_AT} WHERE id = ?",
            (status, status, to_iso(now), comment_id),
        )
