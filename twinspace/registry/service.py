"""Registry: countries, eligibility policies (data), schools, classes, teacher registration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from twinspace.accounts.service import AccountService, check_password_strength
from twinspace.clock import utcnow
from twinspace.domain_events import DomainEventBus, RegistrationReviewed
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.storage import Storage
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

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]


class EligibilityPolicy(BaseModel):
    """Who may register in one country: staff roles and (school type -> ownerships)."""

    model_config = ConfigDict(extra="forbid")

    staff_roles: list[StaffRole] = Field(min_length=1)
    school_types: dict[SchoolType, list[Ownership]] = Field(min_length=1)
    vocational_min_course_years: int | None = Field(
        None, ge=1, le=10, description="vocational centres' minimum course length; null: none"
    )
    vocational_requires_compulsory_schooling: bool = Field(
        False, description="vocational centres must be open to pupils in compulsory schooling"
    )


class NewSchool(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    country: Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{2}$")]
    city: Name
    type: SchoolType
    ownership: Ownership
    timezone: str | None = Field(None, max_length=64)
    vocational_course_years: int | None = Field(None, ge=1, le=10)
    open_to_compulsory_schooling: bool | None = Field(
        None, description="vocational centres: courses open to pupils in compulsory schooling"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value


ReviewListener = Callable[[int, bool], Awaitable[None]]


class TeacherRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: str = Field(min_length=1, max_length=256)
    display_name: Name
    email: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
        ),
    ]
    staff_role: StaffRole
    school_id: int | None = None
    new_school: NewSchool | None = None
    subjects: list[Tag] = Field(default_factory=list, max_length=20)
    languages: list[Tag] = Field(default_factory=list, max_length=20)
    age_min: int | None = Field(None, ge=0, le=99)
    age_max: int | None = Field(None, ge=0, le=99)
    bio: str = Field("", max_length=2000)


class TeacherProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Name | None = None
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    locale: str | None = Field(None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    subjects: list[Tag] | None = Field(None, max_length=20)
    languages: list[Tag] | None = Field(None, max_length=20)
    age_min: int | None = Field(None, ge=0, le=99)
    age_max: int | None = Field(None, ge=0, le=99)
    bio: str | None = Field(None, max_length=2000)


def policy_of(country: CountryRecord) -> EligibilityPolicy:
    return EligibilityPolicy.model_validate_json(country.policy_json)


def check_eligibility(country: CountryRecord, staff_role: StaffRole, school: SchoolRecord) -> None:
    """Raise RuleViolation naming the rule when this person may not register in `country`."""
    policy = policy_of(country)
    if staff_role not in policy.staff_roles:
        raise RuleViolation(
            f"staff role {staff_role.value!r} may not register in {country.name}",
            rule="staff-role",
            problem=Problem.STAFF_ROLE_NOT_ELIGIBLE,
            country=country.code,
        )
    ownerships = policy.school_types.get(school.type)
    if ownerships is None:
        raise RuleViolation(
            f"{school.type.value} schools do not take part in {country.name}",
            rule="school-type",
            problem=Problem.SCHOOL_NOT_ELIGIBLE,
            country=country.code,
        )
    if school.ownership not in ownerships:
        raise RuleViolation(
            f"{school.ownership.value} {school.type.value} schools do not take part in "
            f"{country.name}",
            rule="ownership",
            problem=Problem.SCHOOL_NOT_ELIGIBLE,
            country=country.code,
        )
    if school.type is not SchoolType.VOCATIONAL:
        return
    minimum = policy.vocational_min_course_years
    if minimum is not None and (school.vocational_course_years or 0) < minimum:
        raise RuleViolation(
            f"vocational centres in {country.name} need courses of at least {minimum} years",
            rule="vocational-course-years",
            problem=Problem.SCHOOL_NOT_ELIGIBLE,
            country=country.code,
        )
    if policy.vocational_requires_compulsory_schooling and not school.open_to_compulsory_schooling:
        raise RuleViolation(
            f"vocational centres in {country.name} need courses open to pupils in "
            "compulsory schooling",
            rule="vocational-compulsory-schooling",
            problem=Problem.SCHOOL_NOT_ELIGIBLE,
            country=country.code,
        )


class RegistryService:
    def __init__(
        self, storage: Storage, accounts: AccountService, events: DomainEventBus | None = None
    ) -> None:
        self._storage = storage
        self._accounts = accounts
        self._reviewed: list[ReviewListener] = []
        self._events = events or DomainEventBus()

    def on_reviewed(self, listener: ReviewListener) -> None:
        """Call `listener(teacher_id, validated)` after each review (an invitation by e-mail
        address lands its teacher in the TwinSpace on validation: docs/mail.md)."""
        self._reviewed.append(listener)

    # -- countries ----------------------------------------------------------------------

    async def countries(self) -> list[CountryRecord]:
        return await self._storage.countries.all()

    async def country(self, code: str) -> CountryRecord:
        country = await self._storage.countries.get(code)
        if country is None:
            raise NotFound(f"{code!r} is not a participating country")
        return country

    async def set_policy(self, actor: UserRecord, code: str, policy: EligibilityPolicy) -> None:
        if actor.kind is not UserKind.ADMIN:
            raise Forbidden(
                "only the central admin changes eligibility policies",
                problem=Problem.CENTRAL_ADMIN_ONLY,
            )
        country = await self.country(code)
        await self._storage.countries.set_policy(country.code, policy.model_dump_json(), utcnow())
        await self._storage.audit.record(
            project_id=None,
            now=utcnow(),
            actor=actor,
            action="eligibility_policy_changed",
            details={"country": country.code, "policy": policy.model_dump(mode="json")},
        )

    # -- schools ------------------------------------------------------------------------

    async def school(self, school_id: int) -> SchoolRecord:
        school = await self._storage.schools.get(school_id)
        if school is None:
            raise NotFound("no such school")
        return school

    async def _school_fields(self, new: NewSchool) -> tuple[CountryRecord, str]:
        country = await self.country(new.country)
        return country, new.timezone or country.timezone

    async def create_school(self, actor: UserRecord, new: NewSchool) -> SchoolRecord:
        if actor.kind not in (UserKind.ADMIN, UserKind.NSO):
            raise Forbidden(
                "schools are added by registering teachers, NSOs or the admin",
                problem=Problem.SCHOOLS_ADDED_BY,
            )
        if actor.kind is UserKind.NSO and actor.country != new.country:
            raise Forbidden(
                "an NSO adds schools of its own country only", problem=Problem.NSO_OWN_COUNTRY
            )
        country, zone = await self._school_fields(new)
        school_id = await self._storage.schools.create(
            name=new.name,
            country=country.code,
            city=new.city,
            type=new.type,
            ownership=new.ownership,
            timezone=zone,
            vocational_course_years=new.vocational_course_years,
            open_to_compulsory_schooling=new.open_to_compulsory_schooling,
            now=utcnow(),
        )
        return await self.school(school_id)

    async def search_schools(
        self, *, country: str | None, query: str | None, limit: int, offset: int
    ) -> list[SchoolRecord]:
        return await self._storage.schools.search(
            country=country.upper() if country else None,
            query=query,
            limit=limit,
            offset=offset,
        )

    # -- teacher registration -------------------------------------------------------------

    async def register_teacher(self, form: TeacherRegistration) -> tuple[UserRecord, TeacherRecord]:
        """Free self-registration at any time; the teacher waits for their NSO to validate."""
        if (form.school_id is None) == (form.new_school is None):
            raise RuleViolation(
                "give either school_id or new_school", problem=Problem.SCHOOL_CHOICE
            )
        if form.age_min is not None and form.age_max is not None and form.age_min > form.age_max:
            raise RuleViolation("age_min is above age_max", problem=Problem.AGE_RANGE)
        check_password_strength(UserKind.TEACHER, form.password)
        if form.school_id is not None:
            school = await self.school(form.school_id)
            country = await self.country(school.country)
        else:
            assert form.new_school is not None
            country, zone = await self._school_fields(form.new_school)
            school = SchoolRecord(
                id=0,
                name=form.new_school.name,
                country=country.code,
                city=form.new_school.city,
                type=form.new_school.type,
                ownership=form.new_school.ownership,
                timezone=zone,
                vocational_course_years=form.new_school.vocational_course_years,
                created_at=utcnow(),
                open_to_compulsory_schooling=form.new_school.open_to_compulsory_schooling,
            )
        check_eligibility(country, form.staff_role, school)
        if await self._storage.users.username_taken(form.username):
            raise Conflict(
                f"the username {form.username!r} is taken",
                problem=Problem.USERNAME_TAKEN,
                username=form.username,
            )
        password_hash = await self._accounts.passwords.hash(form.password)
        now = utcnow()
        async with self._storage.transaction() as tx:
            school_id = school.id or await tx.schools.create(
                name=school.name,
                country=school.country,
                city=school.city,
                type=school.type,
                ownership=school.ownership,
                timezone=school.timezone,
                vocational_course_years=school.vocational_course_years,
                open_to_compulsory_schooling=school.open_to_compulsory_schooling,
                now=now,
            )
            user_id = await tx.users.create(
                username=form.username,
                password_hash=password_hash,
                kind=UserKind.TEACHER,
                display_name=form.display_name,
                now=now,
                email=form.email,
                country=country.code,
                school_id=school_id,
            )
            await tx.teachers.create(
                user_id,
                staff_role=form.staff_role,
                status=TeacherStatus.PENDING,
                subjects=form.subjects,
                languages=form.languages,
                age_min=form.age_min,
                age_max=form.age_max,
                bio=form.bio,
            )
            user = await tx.users.get(user_id)
            teacher = await tx.teachers.get(user_id)
        assert user is not None and teacher is not None
        return user, teacher

    def _may_review(self, reviewer: UserRecord, teacher: UserRecord) -> bool:
        if reviewer.kind is UserKind.ADMIN:
            return True
        return reviewer.kind is UserKind.NSO and reviewer.country == teacher.country

    async def registrations(
        self,
        reviewer: UserRecord,
        status: TeacherStatus | None,
        limit: int,
        offset: int,
    ) -> list[tuple[UserRecord, TeacherRecord]]:
        if reviewer.kind is UserKind.NSO:
            country = reviewer.country
        elif reviewer.kind is UserKind.ADMIN:
            country = None
        else:
            raise Forbidden(
                "only NSOs and the admin review registrations", problem=Problem.NSO_OR_ADMIN_ONLY
            )
        return await self._storage.teachers.list_registrations(
            country=country, status=status, limit=limit, offset=offset
        )

    async def review(
        self, reviewer: UserRecord, teacher_id: int, *, validate: bool, reason: str | None
    ) -> TeacherRecord:
        if reviewer.kind not in (UserKind.NSO, UserKind.ADMIN):
            raise Forbidden(
                "registrations are reviewed by the NSO of the teacher's country",
                problem=Problem.NSO_OWN_COUNTRY,
            )
        user = await self._storage.users.get(teacher_id)
        teacher = await self._storage.teachers.get(teacher_id)
        if user is None or teacher is None or not self._may_review(reviewer, user):
            # another country's registrations do not exist for an NSO (ids do not leak)
            raise NotFound("no such registration")
        if not validate and not reason:
            raise RuleViolation(
                "a rejection needs a reason", problem=Problem.REJECTION_NEEDS_REASON
            )
        await self._storage.teachers.review(
            teacher_id,
            status=TeacherStatus.VALIDATED if validate else TeacherStatus.REJECTED,
            reviewer_id=reviewer.id,
            reason=reason,
            now=utcnow(),
        )
        for listener in self._reviewed:
            await listener(teacher_id, validate)
        reviewed = await self._storage.teachers.get(teacher_id)
        assert reviewed is not None
        await self._events.publish(RegistrationReviewed(teacher_id=teacher_id, validated=validate))
        return reviewed

    async def teacher(self, user_id: int) -> tuple[UserRecord, TeacherRecord]:
        user = await self._storage.users.get(user_id)
        teacher = await self._storage.teachers.get(user_id)
        if user is None or teacher is None:
            raise NotFound("no such teacher")
        return user, teacher

    async def update_profile(self, user: UserRecord, update: TeacherProfileUpdate) -> None:
        if user.kind is UserKind.PUPIL and (update.email is not None or update.display_name):
            raise Forbidden(
                "a pupil's name is managed by their teacher; pupils have no e-mail",
                problem=Problem.PUPIL_ACCOUNT_BY_TEACHER,
            )
        async with self._storage.transaction() as tx:
            await tx.users.update_profile(
                user.id, display_name=update.display_name, email=update.email, locale=update.locale
            )
            if user.kind is UserKind.TEACHER:
                await tx.teachers.update_profile(
                    user.id,
                    subjects=update.subjects,
                    languages=update.languages,
                    age_min=update.age_min,
                    age_max=update.age_max,
                    bio=update.bio,
                )

    async def search_partners(
        self,
        viewer: UserRecord,
        *,
        country: str | None,
        subject: str | None,
        language: str | None,
        age: int | None,
        limit: int,
        offset: int,
    ) -> list[tuple[UserRecord, TeacherRecord]]:
        """Validated teachers by country, subject, pupils' age and language."""
        if viewer.kind is UserKind.PUPIL:
            raise Forbidden("pupils do not search for partners", problem=Problem.NOT_FOR_PUPILS)
        if country is not None:
            await self.country(country)
        return await self._storage.teachers.search(
            country=country.upper() if country else None,
            subject=subject,
            language=language,
            age=age,
            exclude_user=viewer.id,
            limit=limit,
            offset=offset,
        )

    async def visible_teacher(
        self, viewer: UserRecord, teacher_id: int
    ) -> tuple[UserRecord, TeacherRecord]:
        """A teacher's profile as `viewer` may see it: validated teachers to any signed-in
        adult; pending or rejected ones to themselves, their country's NSO and the admin."""
        if viewer.kind is UserKind.PUPIL:
            raise Forbidden("pupils do not browse teacher profiles", problem=Problem.NOT_FOR_PUPILS)
        user, teacher = await self.teacher(teacher_id)
        if teacher.status is not TeacherStatus.VALIDATED and not (
            viewer.id == user.id or self._may_review(viewer, user)
        ):
            raise NotFound("no such teacher")
        return user, teacher

    async def require_validated(self, user: UserRecord) -> None:
        """Teachers act for their school (classes, pupils) only once their NSO validated them."""
        if user.kind is not UserKind.TEACHER:
            raise Forbidden("this is for teachers of a school", problem=Problem.TEACHERS_ONLY)
        if not await self.is_validated_teacher(user):
            raise Forbidden(
                "your registration is waiting for your NSO's validation",
                problem=Problem.REGISTRATION_PENDING,
                rule="validated-teacher",
            )

    async def is_validated_teacher(self, user: UserRecord) -> bool:
        if user.kind is not UserKind.TEACHER:
            return False
        teacher = await self._storage.teachers.get(user.id)
        return teacher is not None and teacher.status is TeacherStatus.VALIDATED

    async def country_status(self, code: str) -> CountryStatus:
        return (await self.country(code)).status

    # -- classes ------------------------------------------------------------------------

    async def create_class(self, teacher: UserRecord, name: str) -> ClassRecord:
        await self.require_validated(teacher)
        if teacher.school_id is None:
            raise Forbidden(
                "classes are created by teachers of a school", problem=Problem.TEACHERS_ONLY
            )
        name = name.strip()
        if not 1 <= len(name) <= 60:
            raise RuleViolation(
                "a class name has 1 to 60 characters",
                problem=Problem.CLASS_NAME_LENGTH,
                minimum=1,
                maximum=60,
            )
        if any(
            c.name.casefold() == name.casefold()
            for c in await self._storage.classes.of_school(teacher.school_id)
        ):
            raise Conflict(
                f"the class {name!r} exists already", problem=Problem.CLASS_EXISTS, name=name
            )
        async with self._storage.transaction() as tx:
            class_id = await tx.classes.create(
                school_id=teacher.school_id, name=name, teacher_id=teacher.id, now=utcnow()
            )
        return await self.school_class(class_id)

    async def class_teachers(self, school_class: ClassRecord) -> list[UserRecord]:
        return await self._storage.classes.teachers(school_class.id)

    async def class_colleagues(self, school_class: ClassRecord) -> list[UserRecord]:
        """Validated teachers of the class's school who could be added as its teachers."""
        return await self._storage.classes.colleagues(school_class.id)

    async def add_class_teacher(
        self, actor: UserRecord, school_class: ClassRecord, teacher_id: int
    ) -> list[UserRecord]:
        """A class's teacher makes a validated colleague of the same school responsible for
        it too (the caller checked that `actor` teaches the class)."""
        colleague = await self._storage.users.get(teacher_id)
        if (
            colleague is None
            or colleague.kind is not UserKind.TEACHER
            or colleague.school_id != school_class.school_id
        ):
            raise NotFound("no such teacher in your school")
        if not await self.is_validated_teacher(colleague):
            raise RuleViolation(
                "the colleague's registration is waiting for their NSO's validation",
                problem=Problem.TEACHER_NOT_VALIDATED,
                rule="validated-teacher",
            )
        if not await self._storage.classes.add_teacher(
            school_class.id, colleague.id, added_by=actor.id, now=utcnow()
        ):
            raise Conflict(
                f"{colleague.display_name} teaches this class already",
                problem=Problem.ALREADY_TEACHES_CLASS,
                name=colleague.display_name,
            )
        await self._storage.audit.record(
            project_id=None,
            now=utcnow(),
            actor=actor,
            action="class_teacher_added",
            subject_user_id=colleague.id,
            details={"class_id": school_class.id},
        )
        return await self.class_teachers(school_class)

    async def remove_class_teacher(
        self, actor: UserRecord, school_class: ClassRecord, teacher_id: int
    ) -> None:
        """A class's teacher removes a colleague (or themselves); a class keeps one."""
        teachers = await self.class_teachers(school_class)
        if teacher_id not in {t.id for t in teachers}:
            raise NotFound("no such teacher of this class")
        if len(teachers) == 1:
            raise RuleViolation(
                "a class keeps at least one teacher",
                problem=Problem.LAST_CLASS_TEACHER,
                rule="last-class-teacher",
            )
        await self._storage.classes.remove_teacher(school_class.id, teacher_id)
        await self._storage.audit.record(
            project_id=None,
            now=utcnow(),
            actor=actor,
            action="class_teacher_removed",
            subject_user_id=teacher_id,
            details={"class_id": school_class.id},
        )

    async def school_class(self, class_id: int) -> ClassRecord:
        found = await self._storage.classes.get(class_id)
        if found is None:
            raise NotFound("no such class")
        return found

    async def classes_for(self, viewer: UserRecord) -> list[ClassRecord]:
        """A validated teacher's school's classes; nothing for anyone else."""
        if viewer.kind is not UserKind.TEACHER or viewer.school_id is None:
            return []
        if not await self.is_validated_teacher(viewer):
            return []
        return await self._storage.classes.of_school(viewer.school_id)

    async def own_class(self, teacher: UserRecord, class_id: int) -> ClassRecord:
        """A class of the validated teacher's own school, else NotFound."""
        school_class = await self.school_class(class_id)
        if teacher.kind is not UserKind.TEACHER or teacher.school_id != school_class.school_id:
            raise NotFound("no such class")
        await self.require_validated(teacher)
        return school_class

    async def pupils_of_class(self, viewer: UserRecord, class_id: int) -> list[UserRecord]:
        await self.own_class(viewer, class_id)
        return await self._storage.pupils.in_class(class_id)

    async def own_pupil(self, teacher: UserRecord, pupil_id: int) -> UserRecord:
        """A pupil of the teacher's own school, else NotFound."""
        pupil = await self._storage.users.get(pupil_id)
        if (
            pupil is None
            or pupil.kind is not UserKind.PUPIL
            or teacher.kind is not UserKind.TEACHER
            or pupil.school_id != teacher.school_id
        ):
            raise NotFound("no such pupil")
        await self.require_validated(teacher)
        return pupil
