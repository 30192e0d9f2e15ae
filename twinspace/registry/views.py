"""Response models of the registry: countries, schools, classes, teachers, users and people."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from twinspace.registry.service import EligibilityPolicy, policy_of
from twinspace.storage.records import (
    ClassRecord,
    CountryRecord,
    SchoolRecord,
    TeacherRecord,
    UserRecord,
)
from twinspace.types import (
    CountryStatus,
    Ownership,
    SchoolType,
    StaffRole,
    TeacherStatus,
    UserKind,
)


class CountryView(BaseModel):
    code: str
    name: str
    status: CountryStatus
    timezone: str
    policy: EligibilityPolicy

    @classmethod
    def of(cls, c: CountryRecord) -> CountryView:
        return cls(
            code=c.code, name=c.name, status=c.status, timezone=c.timezone, policy=policy_of(c)
        )


class SchoolView(BaseModel):
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
    def of(cls, s: SchoolRecord) -> SchoolView:
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


class ClassView(BaseModel):
    id: int
    school_id: int
    name: str
    teacher_id: int | None  # who created the class
    can_manage: bool = False  # the viewer teaches it: manages its pupils and teachers

    @classmethod
    def of(cls, c: ClassRecord, *, can_manage: bool = False) -> ClassView:
        return cls(
            id=c.id,
            school_id=c.school_id,
            name=c.name,
            teacher_id=c.teacher_id,
            can_manage=can_manage,
        )


class TeacherProfileView(BaseModel):
    staff_role: StaffRole
    status: TeacherStatus
    subjects: list[str]
    languages: list[str]
    age_min: int | None
    age_max: int | None
    bio: str
    review_reason: str | None

    @classmethod
    def of(cls, t: TeacherRecord) -> TeacherProfileView:
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


class UserView(BaseModel):
    """The signed-in user's own account."""

    id: int
    username: str
    kind: UserKind
    display_name: str
    email: str | None
    country: str | None
    school_id: int | None
    locale: str | None
    teacher: TeacherProfileView | None = None

    @classmethod
    def of(cls, u: UserRecord, teacher: TeacherRecord | None = None) -> UserView:
        return cls(
            id=u.id,
            username=u.username,
            kind=u.kind,
            display_name=u.display_name,
            email=u.email,
            country=u.country,
            school_id=u.school_id,
            locale=u.locale,
            teacher=TeacherProfileView.of(teacher) if teacher else None,
        )


class PersonView(BaseModel):
    """Another user as others see them: no username, no e-mail."""

    id: int
    display_name: str
    kind: UserKind
    country: str | None
    school_id: int | None

    @classmethod
    def of(cls, u: UserRecord) -> PersonView:
        return cls(
            id=u.id,
            display_name=u.display_name,
            kind=u.kind,
            country=u.country,
            school_id=u.school_id,
        )


class TeacherView(PersonView):
    profile: TeacherProfileView

    @classmethod
    def of_teacher(cls, u: UserRecord, t: TeacherRecord) -> TeacherView:
        return cls(
            id=u.id,
            display_name=u.display_name,
            kind=u.kind,
            country=u.country,
            school_id=u.school_id,
            profile=TeacherProfileView.of(t),
        )


class PupilCredentialsView(BaseModel):
    """Shown once, for the pupil's sign-in card."""

    user: UserView
    password: str


class ClassPupilView(PersonView):
    """A pupil of a class; `can_manage`: the viewer may reset, export and erase them."""

    can_manage: bool


class RegistrationView(BaseModel):
    user: UserView


class SignInView(BaseModel):
    token: str
    csrf_token: str
    expires_at: datetime
    user: UserView
