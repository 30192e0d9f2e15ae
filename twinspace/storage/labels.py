"""SQL for Quality Label applications and awarded labels (national and European)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


class LabelLevel(StrEnum):
    NATIONAL = "national"
    EUROPEAN = "european"


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    AWARDED = "awarded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    id: int
    project_id: int
    teacher_id: int
    school_id: int
    country: str
    statements: dict[str, str]
    status: ApplicationStatus
    scores: dict[str, int] | None
    reason: str | None
    nominated: bool
    reviewer_id: int | None
    submitted_at: datetime
    reviewed_at: datetime | None
    teacher_name: str
    school_name: str
    project_title: str
    evidence: dict[str, list[int]]

    @classmethod
    def from_row(cls, row: Row) -> ApplicationRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["teacher_id"],
            row["school_id"],
            row["country"],
            json.loads(row["statements"]),
            ApplicationStatus(row["status"]),
            json.loads(row["scores"]) if row["scores"] else None,
            row["reason"],
            bool(row["nominated"]),
            row["reviewer_id"],
            from_iso(row["submitted_at"]),
            from_iso(row["reviewed_at"]) if row["reviewed_at"] else None,
            row["teacher_name"],
            row["school_name"],
            row["project_title"],
            json.loads(row.get("evidence") or "{}"),
        )


# An application with the names a reviewer needs (the NSO is not a project member).
_APPLICATIONS = (
    "SELECT a.*, coalesce(u.display_name, '') AS teacher_name,"
    " coalesce(s.name, '') AS school_name, coalesce(p.title, '') AS project_title"
    " FROM label_applications a LEFT JOIN users u ON u.id = a.teacher_id"
    " LEFT JOIN schools s ON s.id = a.school_id LEFT JOIN projects p ON p.id = a.project_id"
)


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """An awarded label, with the names it is shown with."""

    id: int
    level: LabelLevel
    teacher_id: int
    teacher_name: str
    project_id: int
    project_title: str
    school_id: int
    school_name: str
    country: str
    application_id: int | None
    nominated: bool
    edition: int | None
    awarded_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> LabelRecord:
        return cls(
            row["id"],
            LabelLevel(row["level"]),
            row["teacher_id"],
            row["teacher_name"],
            row["project_id"],
            row["project_title"],
            row["school_id"],
            row["school_name"],
            row["country"],
            row["application_id"],
            bool(row["nominated"]),
            row["edition"],
            from_iso(row["awarded_at"]),
        )


_LABEL = (
    "SELECT l.*, u.display_name AS teacher_name, p.title AS project_title,"
    " s.name AS school_name FROM quality_labels l JOIN users u ON u.id = l.teacher_id"
    " JOIN projects p ON p.id = l.project_id JOIN schools s ON s.id = l.school_id"
)


class LabelRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    # -- applications -------------------------------------------------------------------

    async def create_application(
        self,
        *,
        project_id: int,
        teacher_id: int,
        school_id: int,
        country: str,
        statements: dict[str, str],
        now: datetime,
        evidence: dict[str, list[int]] | None = None,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO label_applications (project_id, teacher_id, school_id, country,"
            " statements, status, submitted_at, evidence)"
            " VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?)",
            (
                project_id,
                teacher_id,
                school_id,
                country,
                json.dumps(statements),
                to_iso(now),
                json.dumps(evidence or {}),
            ),
        )

    # -- per-country score thresholds -----------------------------------------------------

    async def policy(self, country: str) -> str | None:
        row = await self._ex.fetch_one(
            "SELECT policy FROM label_policies WHERE country = ?", (country.upper(),)
        )
        return str(row["policy"]) if row else None

    async def set_policy(self, country: str, policy_json: str, now: datetime) -> None:
        await self._ex.execute(
            "INSERT INTO label_policies (country, policy, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (country) DO UPDATE SET policy = excluded.policy,"
            " updated_at = excluded.updated_at",
            (country, policy_json, to_iso(now)),
        )

    async def application(self, application_id: int) -> ApplicationRecord | None:
        row = await self._ex.fetch_one(_APPLICATIONS + " WHERE a.id = ?", (application_id,))
        return ApplicationRecord.from_row(row) if row else None

    async def open_application(self, project_id: int, teacher_id: int) -> ApplicationRecord | None:
        row = await self._ex.fetch_one(
            _APPLICATIONS + " WHERE a.project_id = ? AND a.teacher_id = ?"
            " AND a.status = 'submitted'",
            (project_id, teacher_id),
        )
        return ApplicationRecord.from_row(row) if row else None

    async def applications(
        self,
        *,
        teacher_id: int | None,
        country: str | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> list[ApplicationRecord]:
        rows = await self._ex.fetch_all(
            _APPLICATIONS + " WHERE (? IS NULL OR a.teacher_id = ?)"
            " AND (? IS NULL OR a.country = ?) AND (? IS NULL OR a.status = ?)"
            " ORDER BY a.submitted_at, a.id LIMIT ? OFFSET ?",
            (teacher_id, teacher_id, country, country, status, status, limit, offset),
        )
        return [ApplicationRecord.from_row(r) for r in rows]

    async def decide(
        self,
        application_id: int,
        *,
        status: ApplicationStatus,
        scores: dict[str, int],
        reason: str | None,
        nominated: bool,
        reviewer_id: int,
        now: datetime,
    ) -> int:
        """Close a submitted application; returns 0 when it was no longer open."""
        return await self._ex.execute(
            "UPDATE label_applications SET status = ?, scores = ?, reason = ?, nominated = ?,"
            " reviewer_id = ?, reviewed_at = ? WHERE id = ? AND status = 'submitted'",
            (
                status.value,
                json.dumps(scores),
                reason,
                int(nominated),
                reviewer_id,
                to_iso(now),
                application_id,
            ),
        )

    async def withdraw(self, application_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE label_applications SET status = 'withdrawn', reviewed_at = ?"
            " WHERE id = ? AND status = 'submitted'",
            (to_iso(now), application_id),
        )

    # -- labels -------------------------------------------------------------------------

    async def award(
        self,
        *,
        level: LabelLevel,
        teacher_id: int,
        project_id: int,
        school_id: int,
        country: str,
        application_id: int | None,
        nominated: bool,
        edition: int | None,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "INSERT INTO quality_labels (level, teacher_id, project_id, school_id, country,"
            " application_id, nominated, edition, awarded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                level.value,
                teacher_id,
                project_id,
                school_id,
                country,
                application_id,
                int(nominated),
                edition,
                to_iso(now),
            ),
        )

    async def holds(self, level: LabelLevel, teacher_id: int, project_id: int) -> bool:
        row = await self._ex.fetch_one(
            "SELECT 1 AS x FROM quality_labels WHERE level = ? AND teacher_id = ?"
            " AND project_id = ?",
            (level.value, teacher_id, project_id),
        )
        return row is not None

    async def national_awarded_before(self, cutoff: datetime) -> list[LabelRecord]:
        rows = await self._ex.fetch_all(
            _LABEL + " WHERE l.level = 'national' AND l.awarded_at < ? ORDER BY l.project_id, l.id",
            (to_iso(cutoff),),
        )
        return [LabelRecord.from_row(r) for r in rows]

    async def of_project(self, project_id: int) -> list[LabelRecord]:
        rows = await self._ex.fetch_all(
            _LABEL + " WHERE l.project_id = ? ORDER BY l.level DESC, l.awarded_at, l.id",
            (project_id,),
        )
        return [LabelRecord.from_row(r) for r in rows]

    async def of_teacher(self, teacher_id: int) -> list[LabelRecord]:
        rows = await self._ex.fetch_all(
            _LABEL + " WHERE l.teacher_id = ? ORDER BY l.awarded_at, l.id", (teacher_id,)
        )
        return [LabelRecord.from_row(r) for r in rows]

    async def of_teacher_level(
        self, teacher_id: int, level: LabelLevel, country: str | None
    ) -> list[LabelRecord]:
        """A teacher's labels of one level (of one country's NSO when `country` is given)."""
        rows = await self._ex.fetch_all(
            _LABEL + " WHERE l.teacher_id = ? AND l.level = ? AND (? IS NULL OR l.country = ?)"
            " ORDER BY l.awarded_at, l.id",
            (teacher_id, level.value, country, country),
        )
        return [LabelRecord.from_row(r) for r in rows]

    async def holders_in_project(
        self, project_id: int, level: LabelLevel, country: str | None
    ) -> list[int]:
        rows = await self._ex.fetch_all(
            "SELECT DISTINCT teacher_id FROM quality_labels WHERE project_id = ? AND level = ?"
            " AND (? IS NULL OR country = ?) ORDER BY teacher_id",
            (project_id, level.value, country, country),
        )
        return [r["teacher_id"] for r in rows]

    async def holders(
        self, level: LabelLevel, country: str | None, limit: int, offset: int
    ) -> list[LabelRecord]:
        """Labels of one level, grouped by teacher (a page never splits a teacher)."""
        rows = await self._ex.fetch_all(
            _LABEL + " WHERE l.level = ? AND (? IS NULL OR l.country = ?) AND l.teacher_id IN"
            " (SELECT DISTINCT teacher_id FROM quality_labels WHERE level = ?"
            "  AND (? IS NULL OR country = ?) ORDER BY teacher_id LIMIT ? OFFSET ?)"
            " ORDER BY l.teacher_id, l.awarded_at, l.id",
            (level.value, country, country, level.value, country, country, limit, offset),
        )
        return [LabelRecord.from_row(r) for r in rows]
