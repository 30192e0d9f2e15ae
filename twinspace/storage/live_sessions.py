"""SQL for live sessions: the sessions, their classes and join codes, attendance, per-school
totals and the session log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row

_SPACE_COLUMNS = {"page": "page_id", "channel": "channel_id", "board": "board_id"}


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


@dataclass(frozen=True, slots=True)
class LiveSessionRecord:
    id: int
    project_id: int
    title: str
    agenda: tuple[dict[str, Any], ...]
    starts_at: datetime
    ends_at: datetime
    state: str
    opened_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    read_only: bool
    page_id: int | None
    channel_id: int | None
    board_id: int | None
    page_created: bool
    channel_created: bool
    board_created: bool
    version_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    reminded_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> LiveSessionRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["title"],
            tuple(json.loads(row["agenda"])),
            from_iso(row["starts_at"]),
            from_iso(row["ends_at"]),
            row["state"],
            _opt_dt(row["opened_at"]),
            _opt_dt(row["started_at"]),
            _opt_dt(row["ended_at"]),
            bool(row["read_only"]),
            row["page_id"],
            row["channel_id"],
            row["board_id"],
            bool(row["page_created"]),
            bool(row["channel_created"]),
            bool(row["board_created"]),
            row["version_id"],
            row["created_by"],
            from_iso(row["created_at"]),
            from_iso(row["updated_at"]),
            _opt_dt(row["cancelled_at"]),
            _opt_dt(row["reminded_at"]),
        )


@dataclass(frozen=True, slots=True)
class SessionClassRecord:
    session_id: int
    class_id: int
    class_name: str
    school_id: int
    school_name: str
    school_country: str
    school_timezone: str
    code: str
    code_set_at: datetime
    added_by: int | None

    @classmethod
    def from_row(cls, row: Row) -> SessionClassRecord:
        return cls(
            row["session_id"],
            row["class_id"],
            row["class_name"],
            row["school_id"],
            row["school_name"],
            row["school_country"],
            row["school_timezone"],
            row["code"],
            from_iso(row["code_set_at"]),
            row["added_by"],
        )


@dataclass(frozen=True, slots=True)
class AttendanceRecord:
    user_id: int
    display_name: str
    role: str
    school_id: int | None
    class_id: int | None
    first_joined_at: datetime
    last_joined_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> AttendanceRecord:
        return cls(
            row["user_id"],
            row["display_name"],
            row["role"],
            row["school_id"],
            row["class_id"],
            from_iso(row["first_joined_at"]),
            from_iso(row["last_joined_at"]),
        )


@dataclass(frozen=True, slots=True)
class ExpectedPupil:
    """A pupil member of the project in one of the session's classes."""

    user_id: int
    class_id: int
    school_id: int


@dataclass(frozen=True, slots=True)
class SchoolTotals:
    school_id: int
    pupils_joined: int
    pupils_expected: int
    teachers_joined: int


@dataclass(frozen=True, slots=True)
class LogRecord:
    id: int
    session_id: int
    at: datetime
    action: str
    actor_id: int | None
    actor_name: str | None
    subject_id: int | None
    subject_name: str | None
    school_id: int | None
    details: dict[str, Any]

    @classmethod
    def from_row(cls, row: Row) -> LogRecord:
        return cls(
            row["id"],
            row["session_id"],
            from_iso(row["at"]),
            row["action"],
            row["actor_id"],
            row["actor_name"],
            row["subject_id"],
            row["subject_name"],
            row["school_id"],
            json.loads(row["details"]),
        )


@dataclass(frozen=True, slots=True)
class ProjectClassRecord:
    """A class of a TwinSpace (of a school of one of its teacher members), with its school,
    its teachers who are members and how many of its pupils are members."""

    class_id: int
    class_name: str
    school_id: int
    school_name: str
    school_country: str
    school_timezone: str
    teacher_ids: tuple[int, ...]
    teacher_names: tuple[str, ...]
    pupils: int  # pupil members of the project in the class


@dataclass(frozen=True, slots=True)
class CalendarSessionRecord:
    """A live session as a calendar lists it: with its project and its organiser's zone."""

    session: LiveSessionRecord
    project_title: str
    organiser_name: str | None
    organiser_timezone: str | None


class SessionClassRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self,
        *,
        session_id: int,
        class_id: int,
        school_id: int,
        code: str,
        set_by: int,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "INSERT INTO live_session_classes (session_id, class_id, school_id, code,"
            " code_set_by, code_set_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, class_id, school_id, code, set_by, to_iso(now), set_by),
        )

    async def remove(self, session_id: int, class_id: int) -> int:
        return await self._ex.execute(
            "DELETE FROM live_session_classes WHERE session_id = ? AND class_id = ?",
            (session_id, class_id),
        )

    async def lock(self, session_id: int) -> None:
        """Serialise changes to one session's classes (codes unique, at least one class)."""
        await self._ex.lock("live_session_classes", session_id)

    async def of_session(self, session_id: int) -> list[SessionClassRecord]:
        rows = await self._ex.fetch_all(
            "SELECT lc.session_id, lc.class_id, c.name AS class_name, lc.school_id,"
            " s.name AS school_name, s.country AS school_country, s.timezone AS school_timezone,"
            " lc.code, lc.code_set_at, lc.added_by FROM live_session_classes lc"
            " JOIN classes c ON c.id = lc.class_id JOIN schools s ON s.id = lc.school_id"
            " WHERE lc.session_id = ? ORDER BY s.country, s.name, c.name, lc.class_id",
            (session_id,),
        )
        return [SessionClassRecord.from_row(r) for r in rows]

    async def set_code(
        self, *, session_id: int, class_id: int, code: str, set_by: int, now: datetime
    ) -> int:
        return await self._ex.execute(
            "UPDATE live_session_classes SET code = ?, code_set_by = ?, code_set_at = ?"
            " WHERE session_id = ? AND class_id = ?",
            (code, set_by, to_iso(now), session_id, class_id),
        )

    async def of_project(self, project_id: int) -> list[ProjectClassRecord]:
        """The TwinSpace's classes: those of the schools of its teacher members, by country,
        school and name, with their teachers who are members and their pupil members."""
        rows = await self._ex.fetch_all(
            "SELECT c.id, c.name, c.school_id, s.name AS school_name, s.country, s.timezone"
            " FROM classes c JOIN schools s ON s.id = c.school_id WHERE c.school_id IN ("
            "  SELECT u.school_id FROM memberships m JOIN users u ON u.id = m.user_id"
            "  WHERE m.project_id = ? AND m.role IN ('founder', 'teacher_admin', 'teacher'))"
            " ORDER BY s.country, s.name, c.name, c.id",
            (project_id,),
        )
        teacher_rows = await self._ex.fetch_all(
            "SELECT ct.class_id, u.id AS user_id, u.display_name FROM class_teachers ct"
            " JOIN memberships m ON m.user_id = ct.user_id AND m.project_id = ?"
            " JOIN users u ON u.id = ct.user_id"
            " WHERE m.role IN ('founder', 'teacher_admin', 'teacher')"
            " ORDER BY ct.added_at, u.id",
            (project_id,),
        )
        pupil_rows = await self._ex.fetch_all(
            "SELECT p.class_id, count(*) AS pupils FROM pupils p"
            " JOIN memberships m ON m.user_id = p.user_id AND m.project_id = ?"
            " WHERE m.role = 'pupil' AND p.class_id IS NOT NULL GROUP BY p.class_id",
            (project_id,),
        )
        teachers: dict[int, list[tuple[int, str]]] = {}
        for r in teacher_rows:
            teachers.setdefault(r["class_id"], []).append((r["user_id"], r["display_name"]))
        pupils = {int(r["class_id"]): int(r["pupils"]) for r in pupil_rows}
        return [
            ProjectClassRecord(
                r["id"],
                r["name"],
                r["school_id"],
                r["school_name"],
                r["country"],
                r["timezone"],
                tuple(t[0] for t in teachers.get(r["id"], [])),
                tuple(t[1] for t in teachers.get(r["id"], [])),
                pupils.get(r["id"], 0),
            )
            for r in rows
        ]

    async def expected_pupils(self, session_id: int, project_id: int) -> list[ExpectedPupil]:
        rows = await self._ex.fetch_all(
            "SELECT m.user_id, p.class_id, lc.school_id FROM memberships m"
            " JOIN pupils p ON p.user_id = m.user_id"
            " JOIN live_session_classes lc ON lc.class_id = p.class_id AND lc.session_id = ?"
            " WHERE m.project_id = ? AND m.role = 'pupil'",
            (session_id, project_id),
        )
        return [ExpectedPupil(r["user_id"], r["class_id"], r["school_id"]) for r in rows]


class AttendanceRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def record_join(
        self,
        *,
        session_id: int,
        user_id: int,
        role: str,
        school_id: int | None,
        class_id: int | None,
        now: datetime,
    ) -> bool:
        """Record a join; True when it is the user's first one in this session."""
        before = await self._ex.fetch_one(
            "SELECT 1 AS found FROM live_session_attendance WHERE session_id = ? AND user_id = ?",
            (session_id, user_id),
        )
        await self._ex.execute(
            "INSERT INTO live_session_attendance (session_id, user_id, role, school_id,"
            " class_id, first_joined_at, last_joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id, user_id) DO UPDATE SET"
            " last_joined_at = excluded.last_joined_at",
            (session_id, user_id, role, school_id, class_id, to_iso(now), to_iso(now)),
        )
        return before is None

    async def has_joined(self, session_ids: Sequence[int], user_id: int) -> set[int]:
        """Which of `session_ids` the user joined."""
        if not session_ids:
            return set()
        marks = ",".join("?" * len(session_ids))
        rows = await self._ex.fetch_all(
            f"SELECT session_id FROM live_session_attendance WHERE user_id = ?"
            f" AND session_id IN ({marks})",
            (user_id, *session_ids),
        )
        return {r["session_id"] for r in rows}

    async def of_session(self, session_id: int) -> list[AttendanceRecord]:
        rows = await self._ex.fetch_all(
            "SELECT a.*, u.display_name FROM live_session_attendance a"
            " JOIN users u ON u.id = a.user_id WHERE a.session_id = ?"
            " ORDER BY a.first_joined_at, a.user_id",
            (session_id,),
        )
        return [AttendanceRecord.from_row(r) for r in rows]

    async def save_totals(self, session_id: int, totals: Sequence[SchoolTotals]) -> None:
        await self._ex.execute_many(
            "INSERT INTO live_session_totals (session_id, school_id, pupils_joined,"
            " pupils_expected, teachers_joined) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id, school_id) DO UPDATE SET"
            " pupils_joined = excluded.pupils_joined, pupils_expected = excluded.pupils_expected,"
            " teachers_joined = excluded.teachers_joined",
            [
                (session_id, t.school_id, t.pupils_joined, t.pupils_expected, t.teachers_joined)
                for t in totals
            ],
        )

    async def totals(self, session_id: int) -> list[SchoolTotals]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM live_session_totals WHERE session_id = ? ORDER BY school_id",
            (session_id,),
        )
        return [
            SchoolTotals(
                r["school_id"], r["pupils_joined"], r["pupils_expected"], r["teachers_joined"]
            )
            for r in rows
        ]


class SessionLogRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self,
        *,
        session_id: int,
        action: str,
        actor_id: int | None,
        subject_id: int | None,
        school_id: int | None,
        details: dict[str, Any],
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO live_session_log (session_id, at, action, actor_id, subject_id,"
            " school_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                to_iso(now),
                action,
                actor_id,
                subject_id,
                school_id,
                json.dumps(details, separators=(",", ":")),
            ),
        )

    async def of_session(
        self, session_id: int, *, after: int = 0, limit: int = 500
    ) -> list[LogRecord]:
        rows = await self._ex.fetch_all(
            "SELECT l.*, a.display_name AS actor_name, s.display_name AS subject_name"
            " FROM live_session_log l LEFT JOIN users a ON a.id = l.actor_id"
            " LEFT JOIN users s ON s.id = l.subject_id"
            " WHERE l.session_id = ? AND l.id > ? ORDER BY l.id LIMIT ?",
            (session_id, after, limit),
        )
        return [LogRecord.from_row(r) for r in rows]


class LiveSessionRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex
        self.classes = SessionClassRepo(ex)
        self.attendance = AttendanceRepo(ex)
        self.log = SessionLogRepo(ex)

    async def create(
        self,
        *,
        project_id: int,
        title: str,
        agenda: Sequence[dict[str, Any]],
        starts_at: datetime,
        ends_at: datetime,
        page_id: int,
        channel_id: int,
        board_id: int,
        created: set[str],
        created_by: int,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO live_sessions (project_id, title, agenda, starts_at, ends_at, page_id,"
            " channel_id, board_id, page_created, channel_created, board_created, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                title,
                json.dumps(list(agenda)),
                to_iso(starts_at),
                to_iso(ends_at),
                page_id,
                channel_id,
                board_id,
                int("page" in created),
                int("channel" in created),
                int("board" in created),
                created_by,
                to_iso(now),
                to_iso(now),
            ),
        )

    async def get(self, session_id: int) -> LiveSessionRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM live_sessions WHERE id = ?", (session_id,))
        return LiveSessionRecord.from_row(row) if row else None

    async def of_project(self, project_id: int) -> list[LiveSessionRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM live_sessions WHERE project_id = ? ORDER BY starts_at, id", (project_id,)
        )
        return [LiveSessionRecord.from_row(r) for r in rows]

    async def using_space(
        self, project_id: int, space: str, space_id: int
    ) -> list[LiveSessionRecord]:
        column = _SPACE_COLUMNS.get(space)
        if column is None:
            return []
        rows = await self._ex.fetch_all(
            f"SELECT * FROM live_sessions WHERE {column} = ? AND project_id = ?",
            (space_id, project_id),
        )
        return [LiveSessionRecord.from_row(r) for r in rows]

    async def not_ended(self) -> list[LiveSessionRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM live_sessions WHERE state <> 'ended' ORDER BY starts_at, id"
        )
        return [LiveSessionRecord.from_row(r) for r in rows]

    async def update_details(
        self,
        session_id: int,
        *,
        title: str,
        agenda: Sequence[dict[str, Any]],
        starts_at: datetime,
        ends_at: datetime,
        now: datetime,
        reset_reminder: bool = False,
    ) -> None:
        """New details; `reset_reminder` (the start moved) lets "starting soon" go out again."""
        await self._ex.execute(
            "UPDATE live_sessions SET title = ?, agenda = ?, starts_at = ?, ends_at = ?,"
            " updated_at = ?, reminded_at = CASE WHEN ? = 1 THEN NULL ELSE reminded_at END"
            " WHERE id = ?",
            (
                title,
                json.dumps(list(agenda)),
                to_iso(starts_at),
                to_iso(ends_at),
                to_iso(now),
                int(reset_reminder),
                session_id,
            ),
        )

    async def mark_live(self, session_id: int, *, opened_early: bool, now: datetime) -> int:
        """scheduled -> live; 0 when another caller moved it first."""
        return await self._ex.execute(
            "UPDATE live_sessions SET state = 'live', started_at = ?, opened_at = ?,"
            " updated_at = ? WHERE id = ? AND state = 'scheduled'",
            (to_iso(now), to_iso(now) if opened_early else None, to_iso(now), session_id),
        )

    async def mark_ended(self, session_id: int, *, now: datetime) -> int:
        """-> ended; 0 when it had already ended."""
        return await self._ex.execute(
            "UPDATE live_sessions SET state = 'ended', ended_at = ?, read_only = 0,"
            " updated_at = ? WHERE id = ? AND state <> 'ended'",
            (to_iso(now), to_iso(now), session_id),
        )

    async def set_ends_at(self, session_id: int, ends_at: datetime, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE live_sessions SET ends_at = ?, updated_at = ? WHERE id = ?",
            (to_iso(ends_at), to_iso(now), session_id),
        )

    async def set_read_only(self, session_id: int, read_only: bool, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE live_sessions SET read_only = ?, updated_at = ? WHERE id = ?"
            " AND state = 'live' AND read_only <> ?",
            (int(read_only), to_iso(now), session_id, int(read_only)),
        )

    async def mark_cancelled(self, session_id: int, *, now: datetime) -> int:
        """scheduled -> cancelled (stored as ended with `cancelled_at`); 0 when it was not
        scheduled any more."""
        return await self._ex.execute(
            "UPDATE live_sessions SET state = 'ended', cancelled_at = ?, updated_at = ?"
            " WHERE id = ? AND state = 'scheduled'",
            (to_iso(now), to_iso(now), session_id),
        )

    async def mark_reminded(self, session_id: int, *, now: datetime) -> int:
        """Note that "starting soon" went out; 0 when it already had."""
        return await self._ex.execute(
            "UPDATE live_sessions SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
            (to_iso(now), session_id),
        )

    async def touch(self, session_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE live_sessions SET updated_at = ? WHERE id = ?", (to_iso(now), session_id)
        )

    async def for_calendar(
        self, user_id: int, *, since: datetime, until: datetime, pupil_class_only: bool
    ) -> list[CalendarSessionRecord]:
        """Sessions of the user's TwinSpaces overlapping [since, until), soonest first; for
        a pupil (`pupil_class_only`) only those their class takes part in."""
        rows = await self._ex.fetch_all(
            "SELECT ls.*, p.title AS project_title, o.display_name AS organiser_name,"
            " os.timezone AS organiser_timezone FROM live_sessions ls"
            " JOIN memberships m ON m.project_id = ls.project_id AND m.user_id = ?"
            " JOIN projects p ON p.id = ls.project_id"
            " LEFT JOIN users o ON o.id = ls.created_by"
            " LEFT JOIN schools os ON os.id = o.school_id"
            " WHERE ls.ends_at > ? AND ls.starts_at < ?"
            " AND (? = 0 OR EXISTS (SELECT 1 FROM pupils pu JOIN live_session_classes lc"
            " ON lc.class_id = pu.class_id WHERE pu.user_id = m.user_id"
            " AND lc.session_id = ls.id))"
            " ORDER BY ls.starts_at, ls.id",
            (user_id, to_iso(since), to_iso(until), int(pupil_class_only)),
        )
        return [
            CalendarSessionRecord(
                LiveSessionRecord.from_row(r),
                r["project_title"],
                r["organiser_name"],
                r["organiser_timezone"],
            )
            for r in rows
        ]

    async def set_version(self, session_id: int, version_id: int) -> None:
        await self._ex.execute(
            "UPDATE live_sessions SET version_id = ? WHERE id = ?", (version_id, session_id)
        )
