"""SQL for the records of a TwinSpace's pages, chat channels and boards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from twinspace.clock import to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.records import BoardRecord, ChannelRecord, PageRecord, ProjectRecord
from twinspace.types import ChannelKind, Role


class PageAccessRecords(NamedTuple):
    """A page, its project and a user's role in it (None: not a member)."""

    page: PageRecord
    project: ProjectRecord
    role: Role | None


# The project's columns beside the page's in one row, prefixed (both tables have `id`,
# `title`, `created_at`...): what ProjectRecord.from_row reads.
_PROJECT_FIELDS = (
    "id",
    "title",
    "description",
    "subjects",
    "languages",
    "age_min",
    "age_max",
    "kind",
    "state",
    "created_by",
    "created_at",
    "state_changed_at",
    "founded_at",
)
_PROJECT_PREFIX = "project__"
_PROJECT_COLUMNS = ", ".join(
    f"projects.{column} AS {_PROJECT_PREFIX}{column}" for column in _PROJECT_FIELDS
)


def _page_access(row: Row) -> PageAccessRecords:
    project = ProjectRecord.from_row(
        {column: row[_PROJECT_PREFIX + column] for column in _PROJECT_FIELDS}
    )
    role = Role(row["member_role"]) if row["member_role"] is not None else None
    return PageAccessRecords(PageRecord.from_row(row), project, role)


class PageRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self, *, project_id: int, title: str, room: str, created_by: int, now: datetime
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO pages (project_id, title, room, created_by, created_at, updated_at,"
            " edited_at, edited_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (project_id, title, room, created_by, *[to_iso(now)] * 3, created_by),
        )

    async def get(self, page_id: int) -> PageRecord | None:
        row = await self._ex.fetch_one(f"{_PAGES} WHERE pages.id = ?", (page_id,))
        return PageRecord.from_row(row) if row else None

    async def with_member_roles(
        self, wanted: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], PageAccessRecords]:
        """For each (room, user id): the page of that room, its project and the user's role
        in it (None for a non-member), in one read for all of them (storage/batched.py: a
        reconnect storm's sockets; each read more is one more wait on the database for the
        sockets of a batch); a room with no page is missing."""
        if not wanted:
            return {}
        pairs = ", ".join(["(CAST(? AS TEXT), CAST(? AS BIGINT))"] * len(wanted))
        rows = await self._ex.fetch_all(
            f"WITH wanted(room, user_id) AS (VALUES {pairs})"
            f" SELECT wanted.user_id AS wanted_user_id, pages.*, {_PROJECT_COLUMNS},"
            " editor.display_name AS edited_by_name, memberships.role AS member_role"
            " FROM wanted JOIN pages ON pages.room = wanted.room"
            " JOIN projects ON projects.id = pages.project_id"
            " LEFT JOIN users editor ON editor.id = pages.edited_by"
            " LEFT JOIN memberships ON memberships.project_id = pages.project_id"
            " AND memberships.user_id = wanted.user_id",
            [value for pair in wanted for value in pair],
        )
        return {(row["room"], row["wanted_user_id"]): _page_access(row) for row in rows}

    async def of_project(
        self, project_id: int, *, include_deleted: bool = False
    ) -> list[PageRecord]:
        rows = await self._ex.fetch_all(
            f"{_PAGES} WHERE pages.project_id = ? AND (? = 1 OR pages.deleted_at IS NULL)"
            " ORDER BY pages.created_at, pages.id",
            (project_id, int(include_deleted)),
        )
        return [PageRecord.from_row(r) for r in rows]

    async def rename(self, page_id: int, title: str, now: datetime, by: int) -> None:
        await self._ex.execute(
            "UPDATE pages SET title = ?, updated_at = ?, edited_at = ?, edited_by = ? WHERE id = ?",
            (title, to_iso(now), to_iso(now), by, page_id),
        )

    async def set_locked(self, page_id: int, locked: bool, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE pages SET locked = ?, updated_at = ? WHERE id = ?",
            (int(locked), to_iso(now), page_id),
        )

    async def set_deleted(self, page_id: int, now: datetime | None) -> None:
        await self._ex.execute(
            "UPDATE pages SET deleted_at = ? WHERE id = ?", (to_iso(now) if now else None, page_id)
        )

    async def record_edit(self, page_id: int, at: datetime, by: int | None) -> None:
        """A content edit: the page's last-edited time and editor (never moves backwards)."""
        await self._ex.execute(
            "UPDATE pages SET updated_at = ?, edited_at = ?, edited_by = ?"
            " WHERE id = ? AND (edited_at IS NULL OR edited_at <= ?)",
            (to_iso(at), to_iso(at), by, page_id, to_iso(at)),
        )


# A page with the name of its last editor (PageRecord.from_row reads `edited_by_name`).
_PAGES = (
    "SELECT pages.*, editor.display_name AS edited_by_name FROM pages"
    " LEFT JOIN users editor ON editor.id = pages.edited_by"
)


class ChannelRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        project_id: int,
        name: str,
        kind: ChannelKind,
        class_id: int | None,
        created_by: int,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO channels (project_id, name, kind, class_id, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (project_id, name, kind.value, class_id, created_by, to_iso(now)),
        )

    async def get(self, channel_id: int) -> ChannelRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM channels WHERE id = ?", (channel_id,))
        return ChannelRecord.from_row(row) if row else None

    async def of_project(self, project_id: int) -> list[ChannelRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM channels WHERE project_id = ? ORDER BY created_at, id", (project_id,)
        )
        return [ChannelRecord.from_row(r) for r in rows]

    async def rename(self, channel_id: int, name: str) -> None:
        await self._ex.execute("UPDATE channels SET name = ? WHERE id = ?", (name, channel_id))

    async def set_archived(self, channel_id: int, now: datetime | None) -> None:
        await self._ex.execute(
            "UPDATE channels SET archived_at = ? WHERE id = ?",
            (to_iso(now) if now else None, channel_id),
        )


class BoardRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self, *, project_id: int, title: str, description: str, created_by: int, now: datetime
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO boards (project_id, title, description, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (project_id, title, description, created_by, to_iso(now)),
        )

    async def get(self, board_id: int) -> BoardRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM boards WHERE id = ?", (board_id,))
        return BoardRecord.from_row(row) if row else None

    async def of_project(self, project_id: int) -> list[BoardRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM boards WHERE project_id = ? ORDER BY created_at, id", (project_id,)
        )
        return [BoardRecord.from_row(r) for r in rows]

    async def rename(self, board_id: int, title: str) -> None:
        await self._ex.execute("UPDATE boards SET title = ? WHERE id = ?", (title, board_id))

    async def set_archived(self, board_id: int, now: datetime | None) -> None:
        await self._ex.execute(
            "UPDATE boards SET archived_at = ? WHERE id = ?",
            (to_iso(now) if now else None, board_id),
        )
