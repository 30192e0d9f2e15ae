"""SQL for a TwinSpace's plan (activities with dates and responsible schools), its results,
and the summary of its actual work that label reviewers and competition juries see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class SchoolRef:
    id: int
    name: str
    country: str


@dataclass(frozen=True, slots=True)
class PlanActivityRecord:
    id: int
    project_id: int
    title: str
    description: str
    starts_on: date
    ends_on: date
    schools: tuple[SchoolRef, ...]
    created_by: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ResultRecord:
    id: int
    project_id: int
    title: str
    description: str
    page_id: int | None
    board_id: int | None
    schools: tuple[SchoolRef, ...]
    created_by: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SpaceCount:
    id: int
    title: str
    items: int  # published posts of a board, messages of a channel; 0 for pages


@dataclass(frozen=True, slots=True)
class WorkSummary:
    """What a TwinSpace actually holds, counted from its stored content."""

    pages: tuple[SpaceCount, ...]
    boards: tuple[SpaceCount, ...]
    channels: tuple[SpaceCount, ...]
    schools: tuple[SchoolRef, ...]
    members: dict[str, int]
    messages: int
    board_posts: int
    comments: int
    page_versions: int
    media: int


async def _schools_of(
    ex: Executor, table: str, key: str, ids: Sequence[int]
) -> dict[int, list[SchoolRef]]:
    found: dict[int, list[SchoolRef]] = {i: [] for i in ids}
    if not ids:
        return found
    marks = ",".join("?" * len(ids))
    rows = await ex.fetch_all(
        f"SELECT t.{key} AS owner, s.id, s.name, s.country FROM {table} t"
        f" JOIN schools s ON s.id = t.school_id WHERE t.{key} IN ({marks})"
        " ORDER BY s.country, s.name, s.id",
        tuple(ids),
    )
    for row in rows:
        found[row["owner"]].append(SchoolRef(row["id"], row["name"], row["country"]))
    return found


class PlanRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    # -- plan activities --------------------------------------------------------------------

    async def create_activity(
        self,
        *,
        project_id: int,
        title: str,
        description: str,
        starts_on: date,
        ends_on: date,
        school_ids: Sequence[int],
        created_by: int,
        now: datetime,
    ) -> int:
        activity_id = await self._ex.execute(
            "INSERT INTO plan_activities (project_id, title, description, starts_on, ends_on,"
            " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                title,
                description,
                starts_on.isoformat(),
                ends_on.isoformat(),
                created_by,
                to_iso(now),
                to_iso(now),
            ),
        )
        await self._set_schools("plan_activity_schools", "activity_id", activity_id, school_ids)
        return activity_id

    async def update_activity(
        self,
        activity_id: int,
        *,
        title: str,
        description: str,
        starts_on: date,
        ends_on: date,
        school_ids: Sequence[int],
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "UPDATE plan_activities SET title = ?, description = ?, starts_on = ?, ends_on = ?,"
            " updated_at = ? WHERE id = ?",
            (
                title,
                description,
                starts_on.isoformat(),
                ends_on.isoformat(),
                to_iso(now),
                activity_id,
            ),
        )
        await self._set_schools("plan_activity_schools", "activity_id", activity_id, school_ids)

    async def delete_activity(self, activity_id: int) -> int:
        return await self._ex.execute("DELETE FROM plan_activities WHERE id = ?", (activity_id,))

    async def _set_schools(
        self, table: str, key: str, owner_id: int, school_ids: Sequence[int]
    ) -> None:
        await self._ex.execute(f"DELETE FROM {table} WHERE {key} = ?", (owner_id,))
        await self._ex.execute_many(
            f"INSERT INTO {table} ({key}, school_id) VALUES (?, ?)",
            [(owner_id, school_id) for school_id in dict.fromkeys(school_ids)],
        )

    async def activities(
        self, project_id: int, ids: Sequence[int] | None = None
    ) -> list[PlanActivityRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM plan_activities WHERE project_id = ? ORDER BY starts_on, ends_on, id",
            (project_id,),
        )
        if ids is not None:
            wanted = set(ids)
            rows = [r for r in rows if r["id"] in wanted]
        schools = await _schools_of(
            self._ex, "plan_activity_schools", "activity_id", [r["id"] for r in rows]
        )
        return [
            PlanActivityRecord(
                r["id"],
                r["project_id"],
                r["title"],
                r["description"],
                date.fromisoformat(r["starts_on"]),
                date.fromisoformat(r["ends_on"]),
                tuple(schools[r["id"]]),
                r["created_by"],
                from_iso(r["created_at"]),
                from_iso(r["updated_at"]),
            )
            for r in rows
        ]

    async def activity(self, activity_id: int) -> PlanActivityRecord | None:
        row = await self._ex.fetch_one(
            "SELECT project_id FROM plan_activities WHERE id = ?", (activity_id,)
        )
        if row is None:
            return None
        found = await self.activities(row["project_id"], [activity_id])
        return found[0] if found else None

    # -- results ----------------------------------------------------------------------------

    async def create_result(
        self,
        *,
        project_id: int,
        title: str,
        description: str,
        page_id: int | None,
        board_id: int | None,
        school_ids: Sequence[int],
        created_by: int,
        now: datetime,
    ) -> int:
        result_id = await self._ex.execute(
            "INSERT INTO project_results (project_id, title, description, page_id, board_id,"
            " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                title,
                description,
                page_id,
                board_id,
                created_by,
                to_iso(now),
                to_iso(now),
            ),
        )
        await self._set_schools("project_result_schools", "result_id", result_id, school_ids)
        return result_id

    async def update_result(
        self,
        result_id: int,
        *,
        title: str,
        description: str,
        page_id: int | None,
        board_id: int | None,
        school_ids: Sequence[int],
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "UPDATE project_results SET title = ?, description = ?, page_id = ?, board_id = ?,"
            " updated_at = ? WHERE id = ?",
            (title, description, page_id, board_id, to_iso(now), result_id),
        )
        await self._set_schools("project_result_schools", "result_id", result_id, school_ids)

    async def delete_result(self, result_id: int) -> int:
        return await self._ex.execute("DELETE FROM project_results WHERE id = ?", (result_id,))

    async def results(
        self, project_id: int, ids: Sequence[int] | None = None
    ) -> list[ResultRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM project_results WHERE project_id = ? ORDER BY created_at, id",
            (project_id,),
        )
        if ids is not None:
            wanted = set(ids)
            rows = [r for r in rows if r["id"] in wanted]
        schools = await _schools_of(
            self._ex, "project_result_schools", "result_id", [r["id"] for r in rows]
        )
        return [
            ResultRecord(
                r["id"],
                r["project_id"],
                r["title"],
                r["description"],
                r["page_id"],
                r["board_id"],
                tuple(schools[r["id"]]),
                r["created_by"],
                from_iso(r["created_at"]),
                from_iso(r["updated_at"]),
            )
            for r in rows
        ]

    async def result(self, result_id: int) -> ResultRecord | None:
        row = await self._ex.fetch_one(
            "SELECT project_id FROM project_results WHERE id = ?", (result_id,)
        )
        if row is None:
            return None
        found = await self.results(row["project_id"], [result_id])
        return found[0] if found else None

    # -- the TwinSpace's actual work --------------------------------------------------------

    async def partner_schools(self, project_id: int) -> list[SchoolRef]:
        """Schools of the project's teacher-role members."""
        rows = await self._ex.fetch_all(
            "SELECT DISTINCT s.id, s.name, s.country FROM memberships m"
            " JOIN users u ON u.id = m.user_id JOIN schools s ON s.id = u.school_id"
            " WHERE m.project_id = ? AND m.role IN ('founder', 'teacher_admin', 'teacher')"
            " ORDER BY s.country, s.name, s.id",
            (project_id,),
        )
        return [SchoolRef(r["id"], r["name"], r["country"]) for r in rows]

    async def _count(self, sql: str, project_id: int) -> int:
        row = await self._ex.fetch_one(sql, (project_id,))
        return int(row["n"]) if row else 0

    async def work(self, project_id: int) -> WorkSummary:
        pages = await self._ex.fetch_all(
            "SELECT id, title, 0 AS items FROM pages WHERE project_id = ? AND deleted_at IS NULL"
            " ORDER BY id",
            (project_id,),
        )
        boards = await self._ex.fetch_all(
            "SELECT b.id, b.title, (SELECT count(*) FROM board_posts p WHERE p.board_id = b.id"
            " AND p.status = 'published') AS items FROM boards b WHERE b.project_id = ?"
            " ORDER BY b.id",
            (project_id,),
        )
        channels = await self._ex.fetch_all(
            "SELECT c.id, c.name AS title, (SELECT count(*) FROM messages m"
            " WHERE m.channel_id = c.id AND m.status = 'published') AS items FROM channels c"
            " WHERE c.project_id = ? AND c.kind <> 'staff' ORDER BY c.id",
            (project_id,),
        )
        members = await self._ex.fetch_all(
            "SELECT role, count(*) AS n FROM memberships WHERE project_id = ? GROUP BY role",
            (project_id,),
        )

        def spaces(rows: list[Row]) -> tuple[SpaceCount, ...]:
            return tuple(SpaceCount(r["id"], r["title"], r["items"]) for r in rows)

        return WorkSummary(
            pages=spaces(pages),
            boards=spaces(boards),
            channels=spaces(channels),
            schools=tuple(await self.partner_schools(project_id)),
            members={r["role"]: r["n"] for r in members},
            messages=await self._count(
                "SELECT count(*) AS n FROM messages WHERE project_id = ? AND status = 'published'",
                project_id,
            ),
            board_posts=await self._count(
                "SELECT count(*) AS n FROM board_posts WHERE project_id = ?"
                " AND status = 'published'",
                project_id,
            ),
            comments=await self._count(
                "SELECT count(*) AS n FROM post_comments WHERE project_id = ?"
                " AND status = 'published'",
                project_id,
            ),
            page_versions=await self._count(
                "SELECT count(*) AS n FROM page_versions v JOIN pages p ON p.id = v.page_id"
                " WHERE p.project_id = ?",
                project_id,
            ),
            media=await self._count(
                "SELECT count(*) AS n FROM media WHERE project_id = ?", project_id
            ),
        )
