"""SQL for TwinSpace projects, memberships and invitations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from twinspace.clock import to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.records import (
    InvitationRecord,
    MembershipRecord,
    ProjectRecord,
    UserRecord,
)
from twinspace.types import InvitationStatus, ProjectKind, ProjectState, Role


class ProjectRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        title: str,
        description: str,
        subjects: Sequence[str],
        languages: Sequence[str],
        age_min: int | None,
        age_max: int | None,
        kind: ProjectKind,
        created_by: int,
        now: datetime,
        founded: bool = True,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO projects (title, description, subjects, languages, age_min, age_max,"
            " kind, created_by, created_at, state_changed_at, founded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                title,
                description,
                json.dumps(list(subjects)),
                json.dumps(list(languages)),
                age_min,
                age_max,
                kind.value,
                created_by,
                to_iso(now),
                to_iso(now),
                to_iso(now) if founded else None,
            ),
        )

    async def mark_founded(self, project_id: int, now: datetime) -> int:
        """The founding rule is met: the project becomes active (0 if it already was)."""
        return await self._ex.execute(
            "UPDATE projects SET founded_at = ?, state_changed_at = ?"
            " WHERE id = ? AND founded_at IS NULL",
            (to_iso(now), to_iso(now), project_id),
        )

    async def set_kind(self, project_id: int, kind: ProjectKind) -> None:
        await self._ex.execute(
            "UPDATE projects SET kind = ? WHERE id = ?", (kind.value, project_id)
        )

    async def get(self, project_id: int) -> ProjectRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM projects WHERE id = ?", (project_id,))
        return ProjectRecord.from_row(row) if row else None

    async def with_member_role(
        self, project_id: int, user_id: int
    ) -> tuple[ProjectRecord, Role] | None:
        """The project and `user_id`'s role in it, in one read (every access check and every
        socket of a reconnect storm makes it); None when either is missing."""
        row = await self._ex.fetch_one(
            "SELECT p.*, m.role AS member_role FROM projects p"
            " JOIN memberships m ON m.project_id = p.id"
            " WHERE p.id = ? AND m.user_id = ?",
            (project_id, user_id),
        )
        return (ProjectRecord.from_row(row), Role(row["member_role"])) if row else None

    async def update(
        self,
        project_id: int,
        *,
        title: str | None,
        description: str | None,
        subjects: Sequence[str] | None,
        languages: Sequence[str] | None,
        age_min: int | None,
        age_max: int | None,
    ) -> None:
        await self._ex.execute(
            "UPDATE projects SET title = coalesce(?, title),"
            " description = coalesce(?, description), subjects = coalesce(?, subjects),"
            " languages = coalesce(?, languages), age_min = coalesce(?, age_min),"
            " age_max = coalesce(?, age_max) WHERE id = ?",
            (
                title,
                description,
                json.dumps(list(subjects)) if subjects is not None else None,
                json.dumps(list(languages)) if languages is not None else None,
                age_min,
                age_max,
                project_id,
            ),
        )

    async def set_state(self, project_id: int, state: ProjectState, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE projects SET state = ?, state_changed_at = ? WHERE id = ?",
            (state.value, to_iso(now), project_id),
        )

    async def of_user(self, user_id: int) -> list[tuple[ProjectRecord, Role]]:
        rows = await self._ex.fetch_all(
            "SELECT p.*, m.role AS member_role FROM projects p"
            " JOIN memberships m ON m.project_id = p.id WHERE m.user_id = ?"
            " ORDER BY p.created_at DESC, p.id DESC",
            (user_id,),
        )
        return [(ProjectRecord.from_row(r), Role(r["member_role"])) for r in rows]


class MembershipRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self, *, project_id: int, user_id: int, role: Role, added_by: int | None, now: datetime
    ) -> None:
        await self._ex.execute(
            "INSERT INTO memberships (project_id, user_id, role, added_by, added_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, user_id) DO NOTHING",
            (project_id, user_id, role.value, added_by, to_iso(now)),
        )

    async def get(self, project_id: int, user_id: int) -> MembershipRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM memberships WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        )
        return MembershipRecord.from_row(row) if row else None

    async def set_role(self, project_id: int, user_id: int, role: Role) -> None:
        await self._ex.execute(
            "UPDATE memberships SET role = ? WHERE project_id = ? AND user_id = ?",
            (role.value, project_id, user_id),
        )

    async def remove(self, project_id: int, user_id: int) -> int:
        return await self._ex.execute(
            "DELETE FROM memberships WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        )

    async def members(self, project_id: int) -> list[tuple[MembershipRecord, UserRecord]]:
        rows = await self._ex.fetch_all(
            "SELECT m.project_id, m.user_id, m.role, m.added_by, m.added_at, u.* FROM memberships m"
            " JOIN users u ON u.id = m.user_id WHERE m.project_id = ?"
            " ORDER BY m.role, u.display_name, u.id",
            (project_id,),
        )
        return [(MembershipRecord.from_row(r), UserRecord.from_row(r)) for r in rows]

    async def count_by_role(self, project_id: int) -> dict[Role, int]:
        rows = await self._ex.fetch_all(
            "SELECT role, count(*) AS n FROM memberships WHERE project_id = ? GROUP BY role",
            (project_id,),
        )
        return {Role(r["role"]): r["n"] for r in rows}

    async def partner_classes(self, project_id: int) -> list[Row]:
        """Classes of the schools of the project's teachers, with the school's name."""
        return await self._ex.fetch_all(
            "SELECT c.id, c.name, c.school_id, s.name AS school_name, s.country FROM classes c"
            " JOIN schools s ON s.id = c.school_id WHERE c.school_id IN ("
            "  SELECT u.school_id FROM memberships m JOIN users u ON u.id = m.user_id"
            "  WHERE m.project_id = ? AND m.role IN ('founder', 'teacher_admin', 'teacher'))"
            " ORDER BY s.country, s.name, c.name",
            (project_id,),
        )

    async def teacher_countries(self, project_id: int) -> list[tuple[int, str]]:
        """(user id, school country) of every teacher-role member."""
        rows = await self._ex.fetch_all(
            "SELECT m.user_id, s.country FROM memberships m JOIN users u ON u.id = m.user_id"
            " JOIN schools s ON s.id = u.school_id"
            " WHERE m.project_id = ? AND m.role IN ('founder', 'teacher_admin', 'teacher')",
            (project_id,),
        )
        return [(r["user_id"], r["country"]) for r in rows]

    async def founder_countries(self, project_id: int) -> list[str]:
        rows = await self._ex.fetch_all(
            "SELECT u.country FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE m.project_id = ? AND m.role = 'founder' AND u.country IS NOT NULL",
            (project_id,),
        )
        return [r["country"] for r in rows]

    async def school_countries(self, project_id: int) -> list[tuple[int, str]]:
        """(school id, country) of every teacher-role member's school."""
        rows = await self._ex.fetch_all(
            "SELECT DISTINCT s.id AS school_id, s.country FROM memberships m"
            " JOIN users u ON u.id = m.user_id JOIN schools s ON s.id = u.school_id"
            " WHERE m.project_id = ? AND m.role IN ('founder', 'teacher_admin', 'teacher')",
            (project_id,),
        )
        return [(r["school_id"], r["country"]) for r in rows]


class InvitationRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        project_id: int,
        inviter_id: int,
        invitee_id: int,
        role: Role,
        message: str,
        now: datetime,
    ) -> int:
        """A `founder` invitation is a co-founder's: stored as `teacher_admin` (the column's
        CHECK predates co-founders) with `cofounder` set, and read back as `founder`."""
        cofounder = role is Role.FOUNDER
        return await self._ex.execute(
            "INSERT INTO invitations (project_id, inviter_id, invitee_id, role, message, status,"
            " created_at, cofounder) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                project_id,
                inviter_id,
                invitee_id,
                Role.TEACHER_ADMIN.value if cofounder else role.value,
                message,
                to_iso(now),
                int(cofounder),
            ),
        )

    async def pending_of_project(self, project_id: int) -> list[InvitationRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM invitations WHERE project_id = ? AND status = 'pending'",
            (project_id,),
        )
        return [InvitationRecord.from_row(r) for r in rows]

    async def get(self, invitation_id: int) -> InvitationRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM invitations WHERE id = ?", (invitation_id,))
        return InvitationRecord.from_row(row) if row else None

    async def pending_for(self, project_id: int, invitee_id: int) -> InvitationRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM invitations WHERE project_id = ? AND invitee_id = ?"
            " AND status = 'pending'",
            (project_id, invitee_id),
        )
        return InvitationRecord.from_row(row) if row else None

    async def of_invitee(
        self, invitee_id: int, status: InvitationStatus | None
    ) -> list[InvitationRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM invitations WHERE invitee_id = ? AND (? IS NULL OR status = ?)"
            " ORDER BY created_at DESC, id DESC",
            (invitee_id, status, status),
        )
        return [InvitationRecord.from_row(r) for r in rows]

    async def of_project(self, project_id: int) -> list[InvitationRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM invitations WHERE project_id = ? ORDER BY created_at DESC, id DESC",
            (project_id,),
        )
        return [InvitationRecord.from_row(r) for r in rows]

    async def respond(self, invitation_id: int, status: InvitationStatus, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE invitations SET status = ?, responded_at = ? WHERE id = ?"
            " AND status = 'pending'",
            (status.value, to_iso(now), invitation_id),
        )
