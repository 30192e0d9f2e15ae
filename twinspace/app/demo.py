"""The demo TwinSpace: three schools in Poland, Italy and Finland, their teachers and classes."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twinspace.accounts.passwords import generate_pupil_password
from twinspace.app.demo_content import seed_demo_content
from twinspace.clock import utcnow
from twinspace.services.container import Services
from twinspace.storage.consent import ConsentRecord
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

DEMO_FILE = "demo-accounts.json"


@dataclass(frozen=True)
class DemoSchool:
    name: str
    country: str
    city: str
    type: SchoolType
    timezone: str
    teacher: tuple[str, str, list[str], list[str]]  # username, name, subjects, languages
    class_name: str
    pupils: tuple[str, ...]


SCHOOLS = (
    DemoSchool(
        "Szkoła Podstawowa nr 12",
        "PL",
        "Kraków",
        SchoolType.PRIMARY,
        "Europe/Warsaw",
        ("anna.nowak", "Anna Nowak", ["geography", "english"], ["pl", "en"]),
        "6B",
        ("Zosia", "Kuba", "Maja", "Antek"),
    ),
    DemoSchool(
        "Istituto Comprensivo Bologna 5",
        "IT",
        "Bologna",
        SchoolType.PRIMARY,
        "Europe/Rome",
        ("marco.rossi", "Marco Rossi", ["science", "english"], ["it", "en"]),
        "5A",
        ("Giulia", "Luca", "Sofia", "Matteo"),
    ),
    DemoSchool(
        "Kalevan koulu",
        "FI",
        "Tampere",
        SchoolType.PRIMARY,
        "Europe/Helsinki",
        ("aino.virtanen", "Aino Virtanen", ["art", "english"], ["fi", "en"]),
        "6C",
        ("Eetu", "Aada", "Onni", "Helmi"),
    ),
)
PROJECT_TITLE = "Rivers of Europe"
PAGES = ("Welcome", "Our rivers")
CHANNEL = "general"
BOARD = "Photo wall"


def _teacher_password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


async def seed_demo(services: Services) -> dict[str, Any]:
    """Seed the demo into an empty database; return its JSON (docs/design.md)."""
    storage = services.storage
    hasher = services.accounts.passwords
    now = utcnow()
    accounts: list[dict[str, Any]] = []
    teachers: list[int] = []
    pupils_by_teacher: dict[int, list[int]] = {}
    for spec in SCHOOLS:
        country = await services.registry.country(spec.country)
        school_id = await storage.schools.create(
            name=spec.name,
            country=spec.country,
            city=spec.city,
            type=spec.type,
            ownership=Ownership.PUBLIC,
            timezone=spec.timezone,
            vocational_course_years=None,
            now=now,
        )
        username, name, subjects, languages = spec.teacher
        password = _teacher_password()
        async with storage.transaction() as tx:
            teacher_id = await tx.users.create(
                username=username,
                password_hash=await hasher.hash(password),
                kind=UserKind.TEACHER,
                display_name=name,
                now=now,
                email=f"{username}@school.example",
                country=country.code,
                school_id=school_id,
            )
            await tx.teachers.create(
                teacher_id,
                staff_role=StaffRole.TEACHER,
                status=TeacherStatus.VALIDATED,
                subjects=subjects,
                languages=languages,
                age_min=10,
                age_max=13,
                bio="",
            )
            class_id = await tx.classes.create(
                school_id=school_id, name=spec.class_name, teacher_id=teacher_id, now=now
            )
        teachers.append(teacher_id)
        role = Role.FOUNDER if len(teachers) <= 2 else Role.TEACHER
        accounts.append(
            {
                "username": username,
                "password": password,
                "kind": "teacher",
                "role": role.value,
                "school": spec.name,
                "country": spec.country,
                "user_id": teacher_id,
            }
        )
        pupil_ids = []
        for pupil_name in spec.pupils:
            pupil_password = generate_pupil_password()
            pupil_username = f"{pupil_name.lower()}.{spec.country.lower()}"
            async with storage.transaction() as tx:
                pupil_id = await tx.users.create(
                    username=pupil_username,
                    password_hash=await hasher.hash(pupil_password),
                    kind=UserKind.PUPIL,
                    display_name=pupil_name,
                    now=now,
                    country=country.code,
                    school_id=school_id,
                )
                await tx.pupils.create(pupil_id, class_id=class_id, created_by=teacher_id)
                # the demo's guardians have consented (docs/consent.md)
                await tx.consent.record(
                    ConsentRecord(
                        pupil_id=pupil_id,
                        state=ConsentState.GIVEN,
                        decided_on=now.date(),
                        method=ConsentMethod.PAPER_FORM,
                        note="",
                        recorded_by=teacher_id,
                        recorded_at=now,
                    )
                )
            pupil_ids.append(pupil_id)
            accounts.append(
                {
                    "username": pupil_username,
                    "password": pupil_password,
                    "kind": "pupil",
                    "role": "pupil",
                    "school": spec.name,
                    "country": spec.country,
                    "user_id": pupil_id,
                    "class": spec.class_name,
                }
            )
        pupils_by_teacher[teacher_id] = pupil_ids

    nso_password, admin_password = _teacher_password(), _teacher_password()
    nso = await services.accounts.create_staff(
        kind=UserKind.NSO,
        username="nso.pl",
        password=nso_password,
        display_name="NSO Poland",
        country="PL",
    )
    admin = await services.accounts.create_staff(
        kind=UserKind.ADMIN,
        username="admin",
        password=admin_password,
        display_name="Central admin",
        country=None,
    )
    accounts.append(
        {
            "username": "nso.pl",
            "password": nso_password,
            "kind": "nso",
            "role": None,
            "school": None,
            "country": "PL",
            "user_id": nso.id,
        }
    )
    accounts.append(
        {
            "username": "admin",
            "password": admin_password,
            "kind": "admin",
            "role": None,
            "school": None,
            "country": None,
            "user_id": admin.id,
        }
    )

    founder = await storage.users.get(teachers[0])
    assert founder is not None
    project = await services.projects.create(
        founder,
        NewProject(
            title=PROJECT_TITLE,
            kind=ProjectKind.EUROPEAN,
            cofounder_ids=[teachers[1]],
            description="Classes from Kraków, Bologna and Tampere explore the rivers of their "
            "cities and write a shared guide.",
            subjects=["geography", "science", "english"],
            languages=["en"],
            age_min=10,
            age_max=13,
        ),
    )
    cofounder = await storage.users.get(teachers[1])
    invitation = await storage.invitations.pending_for(project.id, teachers[1])
    assert cofounder is not None and invitation is not None
    project = await services.projects.accept(cofounder, invitation.id)  # the project is active
    async with storage.transaction() as tx:
        await tx.memberships.add(
            project_id=project.id,
            user_id=teachers[2],
            role=Role.TEACHER,
            added_by=founder.id,
            now=now,
        )
        for teacher_id, pupil_ids in pupils_by_teacher.items():
            for pupil_id in pupil_ids:
                await tx.memberships.add(
                    project_id=project.id,
                    user_id=pupil_id,
                    role=Role.PUPIL,
                    added_by=teacher_id,
                    now=now,
                )
    access = await services.access.project(founder, project.id)
    pages = [await services.pages.create(access, title) for title in PAGES]
    channel = await services.spaces.create_channel(
        access, NewChannel(name=CHANNEL, kind=ChannelKind.PROJECT)
    )
    board = await services.spaces.create_board(access, NewBoard(title=BOARD))
    return {
        "accounts": accounts,
        "project": {
            "id": project.id,
            "title": project.title,
            "pages": [{"id": p.id, "title": p.title, "room": p.room} for p in pages],
            "channels": [{"id": channel.id, "name": channel.name}],
            "boards": [{"id": board.id, "title": board.title}],
        },
    }


async def ensure_demo(services: Services) -> dict[str, Any]:
    """Seed an empty data dir once; later calls return the saved demo description."""
    path = Path(services.settings.data_dir) / DEMO_FILE
    if path.is_file():
        loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return loaded
    if (await storage_counts(services)) > 0:
        raise RuntimeError(
            f"{services.settings.data_dir} holds data but no {DEMO_FILE}: the demo is only "
            "seeded into an empty data dir"
        )
    demo = await seed_demo_content(services, await seed_demo(services))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(demo, handle, indent=2, ensure_ascii=False)
    return demo


async def storage_counts(services: Services) -> int:
    return sum((await services.storage.users.count_by_kind()).values())
