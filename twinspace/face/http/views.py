"""Response models shared by several HTTP modules, and their builders from records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from twinspace.registry.service import EligibilityPolicy, policy_of
from twinspace.storage.records import (
    BoardRecord,
    ChannelRecord,
    ClassRecord,
    CountryRecord,
    InvitationRecord,
    PageRecord,
    ProjectRecord,
    SchoolRecord,
    TeacherRecord,
    UserRecord,
)
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


class CountryOut(BaseModel):
    code: str
    name: str
    status: CountryStatus
    timezone: str
    policy: EligibilityPolicy

    @classmethod
    def of(cls, c: CountryRecord) -> CountryOut:
        return cls(
            code=c.code, name=c.name, status=c.status, timezone=c.timezone, policy=policy_of(c)
        )


class SchoolOut(BaseModel):
    id: int
    name: str
    country: str
    city: str
    type: SchoolType
    ownership: Ownership
    timezone: str
    vocational_course_years: int | None
    open_to_compulsory_schooling: bool | None

    @classmethod
    def of(cls, s: SchoolRecord) -> SchoolOut:
        return cls(
            id=s.id,
            name=s.name,
            country=s.country,
            city=s.city,
            type=s.type,
            ownership=s.ownership,
            timezone=s.timezone,
            vocational_course_years=s.vocational_course_years,
            open_to_compulsory_schooling=s.open_to_compulsory_schooling,
        )


class ClassOut(BaseModel):
    id: int
    school_id: int
    name: str
    teacher_id: int | None  # who created the class
    can_manage: bool = False  # the viewer teaches it: manages its pupils and teachers

    @classmethod
    def of(cls, c: ClassRecord, *, can_manage: bool = False) -> ClassOut:
        return cls(
            id=c.id,
            school_id=c.school_id,
            name=c.name,
            teacher_id=c.teacher_id,
            can_manage=can_manage,
        )


class TeacherProfileOut(BaseModel):
    staff_role: StaffRole
    status: TeacherStatus
    subjects: list[str]
    languages: list[str]
    age_min: int | None
    age_max: int | None
    bio: str
    review_reason: str | None

    @classmethod
    def of(cls, t: TeacherRecord) -> TeacherProfileOut:
        return cls(
            staff_role=t.staff_role,
            status=t.status,
            subjects=list(t.subjects),
            languages=list(t.languages),
            age_min=t.age_min,
            age_max=t.age_max,
            bio=t.bio,
            review_reason=t.review_reason,
        )


class UserOut(BaseModel):
    """The signed-in user's own account."""

    id: int
    username: str
    kind: UserKind
    display_name: str
    email: str | None
    country: str | None
    school_id: int | None
    locale: str | None
    teacher: TeacherProfileOut | None = None

    @classmethod
    def of(cls, u: UserRecord, teacher: TeacherRecord | None = None) -> UserOut:
        return cls(
            id=u.id,
            username=u.username,
            kind=u.kind,
            display_name=u.display_name,
            email=u.email,
            country=u.country,
            school_id=u.school_id,
            locale=u.locale,
            teacher=TeacherProfileOut.of(teacher) if teacher else None,
        )


class PersonOut(BaseModel):
    """Another user as others see them: no username, no e-mail."""

    id: int
    display_name: str
    kind: UserKind
    country: str | None
    school_id: int | None

    @classmethod
    def of(cls, u: UserRecord) -> PersonOut:
        return cls(
            id=u.id,
            display_name=u.display_name,
            kind=u.kind,
            country=u.country,
            school_id=u.school_id,
        )


class TeacherOut(PersonOut):
    profile: TeacherProfileOut

    @classmethod
    def of_teacher(cls, u: UserRecord, t: TeacherRecord) -> TeacherOut:
        return cls(
            id=u.id,
            display_name=u.display_name,
            kind=u.kind,
            country=u.country,
            school_id=u.school_id,
            profile=TeacherProfileOut.of(t),
        )


class MemberOut(PersonOut):
    role: Role
    added_at: datetime


class ProjectOut(BaseModel):
    id: int
    title: str
    description: str
    subjects: list[str]
    languages: list[str]
    age_min: int | None
    age_max: int | None
    kind: ProjectKind
    state: ProjectState
    created_at: datetime
    my_role: Role | None = None

    @classmethod
    def of(cls, p: ProjectRecord, role: Role | None = None) -> ProjectOut:
        return cls(
            id=p.id,
            title=p.title,
            description=p.description,
            subjects=list(p.subjects),
            languages=list(p.languages),
            age_min=p.age_min,
            age_max=p.age_max,
            kind=p.kind,
            state=p.state,
            created_at=p.created_at,
            my_role=role,
        )


class InvitationOut(BaseModel):
    id: int
    project_id: int
    inviter_id: int | None
    invitee_id: int
    role: Role
    message: str
    status: InvitationStatus
    created_at: datetime

    @classmethod
    def of(cls, i: InvitationRecord) -> InvitationOut:
        return cls(
            id=i.id,
            project_id=i.project_id,
            inviter_id=i.inviter_id,
            invitee_id=i.invitee_id,
            role=i.role,
            message=i.message,
            status=i.status,
            created_at=i.created_at,
        )


class PageOut(BaseModel):
    id: int
    project_id: int
    title: str
    room: str
    locked: bool
    created_at: datetime
    updated_at: datetime
    deleted: bool
    can_edit: bool | None = None

    @classmethod
    def of(cls, p: PageRecord, can_edit: bool | None = None) -> PageOut:
        return cls(
            id=p.id,
            project_id=p.project_id,
            title=p.title,
            room=p.room,
            locked=p.locked,
            created_at=p.created_at,
            updated_at=p.updated_at,
            deleted=p.deleted_at is not None,
            can_edit=can_edit,
        )


class ChannelOut(BaseModel):
    id: int
    project_id: int
    name: str
    kind: ChannelKind
    class_id: int | None
    archived: bool

    @classmethod
    def of(cls, c: ChannelRecord) -> ChannelOut:
        return cls(
            id=c.id,
            project_id=c.project_id,
            name=c.name,
            kind=c.kind,
            class_id=c.class_id,
            archived=c.archived_at is not None,
        )


class BoardOut(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    archived: bool

    @classmethod
    def of(cls, b: BoardRecord) -> BoardOut:
        return cls(
            id=b.id,
            project_id=b.project_id,
            title=b.title,
            description=b.description,
            archived=b.archived_at is not None,
        )
