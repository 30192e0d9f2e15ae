"""Plain records the storage layer returns; no behaviour."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twinspace.clock import from_iso
from twinspace.types import (
    ChannelKind,
    CountryStatus,
    InvitationStatus,
    Ownership,
    ProjectKind,
    ProjectState,
    Role,
    SchoolType,
    StaffRole,
    TeacherStatus,
    UserKind,
)

Row = dict[str, Any]


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


def _json_list(value: str | None) -> tuple[str, ...]:
    return tuple(json.loads(value)) if value else ()


@dataclass(frozen=True, slots=True)
class CountryRecord:
    code: str
    name: str
    status: CountryStatus
    timezone: str
    policy_json: str

    @classmethod
    def from_row(cls, row: Row) -> CountryRecord:
        return cls(
            row["code"], row["name"], CountryStatus(row["status"]), row["timezone"], row["policy"]
        )


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    id: int
    name: str
    country: str
    city: str
    type: SchoolType
    ownership: Ownership
    timezone: str
    vocational_course_years: int | None
    created_at: datetime
    open_to_compulsory_schooling: bool | None = None

    @classmethod
    def from_row(cls, row: Row) -> SchoolRecord:
        compulsory = row.get("open_to_compulsory_schooling")
        return cls(
            row["id"],
            row["name"],
            row["country"],
            row["city"],
            SchoolType(row["type"]),
            Ownership(row["ownership"]),
            row["timezone"],
            row["vocational_course_years"],
            from_iso(row["created_at"]),
            None if compulsory is None else bool(compulsory),
        )


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    password_hash: str
    kind: UserKind
    display_name: str
    email: str | None
    country: str | None
    school_id: int | None
    locale: str | None
    created_at: datetime
    password_changed_at: datetime
    disabled: bool

    @classmethod
    def from_row(cls, row: Row) -> UserRecord:
        return cls(
            row["id"],
            row["username"],
            row["password_hash"],
            UserKind(row["kind"]),
            row["display_name"],
            row["email"],
            row["country"],
            row["school_id"],
            row["locale"],
            from_iso(row["created_at"]),
            from_iso(row["password_changed_at"]),
            bool(row["disabled"]),
        )


@dataclass(frozen=True, slots=True)
class TeacherRecord:
    user_id: int
    staff_role: StaffRole
    status: TeacherStatus
    subjects: tuple[str, ...]
    languages: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    bio: str
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_reason: str | None

    @classmethod
    def from_row(cls, row: Row) -> TeacherRecord:
        return cls(
            row["user_id"],
            StaffRole(row["staff_role"]),
            TeacherStatus(row["status"]),
            _json_list(row["subjects"]),
            _json_list(row["languages"]),
            row["age_min"],
            row["age_max"],
            row["bio"],
            row["reviewed_by"],
            _opt_dt(row["reviewed_at"]),
            row["review_reason"],
        )


@dataclass(frozen=True, slots=True)
class ClassRecord:
    id: int
    school_id: int
    name: str
    teacher_id: int | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ClassRecord:
        return cls(
            row["id"], row["school_id"], row["name"], row["teacher_id"], from_iso(row["created_at"])
        )


@dataclass(frozen=True, slots=True)
class PupilRecord:
    user_id: int
    class_id: int | None
    created_by: int | None

    @classmethod
    def from_row(cls, row: Row) -> PupilRecord:
        return cls(row["user_id"], row["class_id"], row["created_by"])


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> SessionRecord:
        return cls(
            row["id"],
            row["user_id"],
            row["csrf_token"],
            from_iso(row["created_at"]),
            from_iso(row["expires_at"]),
            from_iso(row["last_seen_at"]),
        )


def _project_state(row: Row) -> ProjectState:
    """Stored states are active, archived, closed; an active project whose founding rule is not
    met yet (no `founded_at`) is `founding`."""
    state = ProjectState(row["state"])
    if state is ProjectState.ACTIVE and "founded_at" in row and row["founded_at"] is None:
        return ProjectState.FOUNDING
    return state


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    title: str
    description: str
    subjects: tuple[str, ...]
    languages: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    kind: ProjectKind
    state: ProjectState
    created_by: int | None
    created_at: datetime
    state_changed_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ProjectRecord:
        return cls(
            row["id"],
            row["title"],
            row["description"],
            _json_list(row["subjects"]),
            _json_list(row["languages"]),
            row["age_min"],
            row["age_max"],
            ProjectKind(row["kind"]),
            _project_state(row),
            row["created_by"],
            from_iso(row["created_at"]),
            from_iso(row["state_changed_at"]),
        )


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    project_id: int
    user_id: int
    role: Role
    added_by: int | None
    added_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> MembershipRecord:
        return cls(
            row["project_id"],
            row["user_id"],
            Role(row["role"]),
            row["added_by"],
            from_iso(row["added_at"]),
        )


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    id: int
    project_id: int
    inviter_id: int | None
    invitee_id: int
    role: Role
    message: str
    status: InvitationStatus
    created_at: datetime
    responded_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> InvitationRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["inviter_id"],
            row["invitee_id"],
            Role.FOUNDER if row.get("cofounder") else Role(row["role"]),
            row["message"],
            InvitationStatus(row["status"]),
            from_iso(row["created_at"]),
            _opt_dt(row["responded_at"]),
        )


@dataclass(frozen=True, slots=True)
class PageRecord:
    id: int
    project_id: int
    title: str
    room: str
    locked: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    # the last change of content or title, and who made it (None: a server-side change)
    edited_at: datetime
    edited_by: int | None
    edited_by_name: str | None

    @classmethod
    def from_row(cls, row: Row) -> PageRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["title"],
            row["room"],
            bool(row["locked"]),
            row["created_by"],
            from_iso(row["created_at"]),
            from_iso(row["updated_at"]),
            _opt_dt(row["deleted_at"]),
            from_iso(row["edited_at"] or row["created_at"]),
            row["edited_by"],
            row["edited_by_name"],
        )


@dataclass(frozen=True, slots=True)
class ChannelRecord:
    id: int
    project_id: int
    name: str
    kind: ChannelKind
    class_id: int | None
    created_by: int | None
    created_at: datetime
    archived_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> ChannelRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["name"],
            ChannelKind(row["kind"]),
            row["class_id"],
            row["created_by"],
            from_iso(row["created_at"]),
            _opt_dt(row["archived_at"]),
        )


@dataclass(frozen=True, slots=True)
class BoardRecord:
    id: int
    project_id: int
    title: str
    description: str
    created_by: int | None
    created_at: datetime
    archived_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> BoardRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["title"],
            row["description"],
            row["created_by"],
            from_iso(row["created_at"]),
            _opt_dt(row["archived_at"]),
        )
