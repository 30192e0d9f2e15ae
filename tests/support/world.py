"""Builds schools, teachers, pupils and projects straight through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import httpx

from tests.support.server import LiveServer
from twinspace.clock import utcnow
from twinspace.storage.consent import ConsentRecord
from twinspace.storage.records import (
    BoardRecord,
    ChannelRecord,
    ClassRecord,
    ProjectRecord,
    SchoolRecord,
    UserRecord,
)
from twinspace.types import (
    ChannelKind,
    ConsentMethod,
    ConsentState,
    Ownership,
    ProjectKind,
    Role,
    SchoolType,
    StaffRole,
    TeacherStatus,
    UserKind,
)
from twinspace.workspace.projects import NewProject
from twinspace.workspace.spaces import NewBoard, NewChannel

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass
class Person:
    user: UserRecord
    token: str
    password: str = PASSWORD

    @property
    def id(self) -> int:
        return self.user.id


class World:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.services = server.services
        self.storage = server.services.storage

    def client(self, person: Person | None = None) -> httpx.AsyncClient:
        return self.server.client(person.token if person else None)

    async def _person(self, user_id: int) -> Person:
        user = await self.storage.users.get(user_id)
        assert user is not None
        session = await self.services.accounts.start_session(user)
        return Person(user=user, token=session.token)

    async def school(
        self,
        country: str = "PL",
        *,
        type: SchoolType = SchoolType.PRIMARY,
        ownership: Ownership = Ownership.PUBLIC,
        timezone: str | None = None,
        vocational_course_years: int | None = None,
        open_to_compulsory_schooling: bool | None = None,
    ) -> SchoolRecord:
        record = await self.services.registry.country(country)
        school_id = await self.storage.schools.create(
            name=f"School {next(_counter)} {country}",
            country=country,
            city="Town",
            type=type,
            ownership=ownership,
            timezone=timezone or record.timezone,
            vocational_course_years=vocational_course_years,
            now=utcnow(),
            **(
                {}
                if open_to_compulsory_schooling is None
                else {"open_to_compulsory_schooling": open_to_compulsory_schooling}
            ),
        )
        found = await self.storage.schools.get(school_id)
        assert found is not None
        return found

    async def teacher(
        self,
        country: str = "PL",
        *,
        school: SchoolRecord | None = None,
        status: TeacherStatus = TeacherStatus.VALIDATED,
        subjects: tuple[str, ...] = ("english",),
        languages: tuple[str, ...] = ("en",),
    ) -> Person:
        school = school or await self.school(country)
        n = next(_counter)
        async with self.storage.transaction() as tx:
            user_id = await tx.users.create(
                username=f"teacher{n}",
                password_hash=await self.services.accounts.passwords.hash(PASSWORD),
                kind=UserKind.TEACHER,
                display_name=f"Teacher {n}",
                now=utcnow(),
                email=f"t{n}@school.example",
                country=school.country,
                school_id=school.id,
            )
            await tx.teachers.create(
                user_id,
                staff_role=StaffRole.TEACHER,
                status=status,
                subjects=subjects,
                languages=languages,
                age_min=8,
                age_max=14,
                bio="",
            )
        return await self._person(user_id)

    async def staff(self, kind: UserKind, country: str | None = None) -> Person:
        n = next(_counter)
        user = await self.services.accounts.create_staff(
            kind=kind,
            username=f"{kind.value}{n}",
            password=PASSWORD,
            display_name=f"{kind.value} {n}",
            country=country,
        )
        return await self._person(user.id)

    async def school_class(self, teacher: Person, name: str | None = None) -> ClassRecord:
        return await self.services.registry.create_class(
            teacher.user, name or f"class {next(_counter)}"
        )

    async def pupils(
        self,
        teacher: Person,
        count: int = 2,
        school_class: ClassRecord | None = None,
        *,
        consent: bool = True,
    ) -> list[Person]:
        """Pupils of a class; with `consent` their guardians' consent is recorded as given
        (the school's existing consent), so they may write whatever their age."""
        school_class = school_class or await self.school_class(teacher)
        created = await self.services.accounts.create_pupils(
            teacher.user, school_class, [f"Pupil {next(_counter)}" for _ in range(count)]
        )
        people = []
        for credentials in created:
            if consent:
                await self.storage.consent.record(
                    ConsentRecord(
                        pupil_id=credentials.user.id,
                        state=ConsentState.GIVEN,
                        decided_on=utcnow().date(),
                        method=ConsentMethod.SCHOOL_EXISTING,
                        note="",
                        recorded_by=teacher.id,
                        recorded_at=utcnow(),
                    )
                )
            person = await self._person(credentials.user.id)
            person.password = credentials.password
            people.append(person)
        return people

    async def project(
        self, founder: Person, *cofounders: Person, kind: ProjectKind = ProjectKind.EUROPEAN
    ) -> ProjectRecord:
        """A project its co-founders have accepted (so it is active)."""
        project = await self.services.projects.create(
            founder.user,
            NewProject(
                title=f"Project {next(_counter)}",
                kind=kind,
                cofounder_ids=[c.id for c in cofounders],
            ),
        )
        for cofounder in cofounders:
            invitation = await self.storage.invitations.pending_for(project.id, cofounder.id)
            if invitation is not None:
                project = await self.services.projects.accept(cofounder.user, invitation.id)
        return project

    async def join(self, project: ProjectRecord, person: Person, role: Role) -> None:
        await self.storage.memberships.add(
            project_id=project.id, user_id=person.id, role=role, added_by=None, now=utcnow()
        )

    async def european_project(self) -> tuple[ProjectRecord, Person, Person]:
        """A PL + IT project: (project, Polish founder, Italian founder)."""
        pl, it = await self.teacher("PL"), await self.teacher("IT")
        return await self.project(pl, it), pl, it

    async def channel(
        self,
        project: ProjectRecord,
        teacher: Person,
        *,
        kind: ChannelKind = ChannelKind.PROJECT,
        class_id: int | None = None,
        name: str | None = None,
    ) -> ChannelRecord:
        access = await self.services.access.project(teacher.user, project.id)
        return await self.services.spaces.create_channel(
            access,
            NewChannel(name=name or f"channel {next(_counter)}", kind=kind, class_id=class_id),
        )

    async def board(
        self, project: ProjectRecord, teacher: Person, title: str | None = None
    ) -> BoardRecord:
        access = await self.services.access.project(teacher.user, project.id)
        return await self.services.spaces.create_board(
            access, NewBoard(title=title or f"board {next(_counter)}")
        )
