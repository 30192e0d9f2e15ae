"""A Polish class with pupils whose consent is not recorded, in a project with an Italian
partner school: the people every consent test needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from tests.support.world import Person, World
from twinspace.storage.records import BoardRecord, ChannelRecord, ClassRecord, ProjectRecord
from twinspace.types import Role


@dataclass
class Classroom:
    world: World
    teacher: Person  # teaches the class
    colleague: Person  # same school, does not teach the class
    partner: Person  # the Italian founder
    pupil: Person  # consent pending, age unknown
    classmate: Person  # consent given (the fixture's default)
    school_class: ClassRecord
    project: ProjectRecord
    channel: ChannelRecord
    board: BoardRecord

    def client(self, person: Person) -> httpx.AsyncClient:
        return self.world.client(person)

    async def decide(
        self, person: Person, pupil: Person, state: str, **extra: Any
    ) -> httpx.Response:
        body = {
            "state": state,
            "decided_on": date.today().isoformat(),
            "method": "paper_form",
            **extra,
        }
        async with self.client(person) as http:
            return await http.put(f"/api/v1/pupils/{pupil.id}/consent", json=body)

    async def birth(self, pupil: Person, year: int | None, month: int | None = None) -> None:
        async with self.client(self.teacher) as http:
            response = await http.put(
                f"/api/v1/pupils/{pupil.id}/birth-date", json={"year": year, "month": month}
            )
        assert response.status_code == 200, response.text

    async def may_post(self, pupil: Person) -> bool:
        async with self.client(pupil) as http:
            response = await http.get("/api/v1/me/consent")
        assert response.status_code == 200, response.text
        allowed: bool = response.json()["may_post"]
        return allowed

    async def message(self, pupil: Person, text: str = "ciao!") -> httpx.Response:
        async with self.client(pupil) as http:
            return await http.post(
                f"/api/v1/channels/{self.channel.id}/messages", json={"text": text}
            )


@pytest.fixture
async def room(world: World) -> Classroom:
    warsaw = await world.school("PL")
    teacher = await world.teacher("PL", school=warsaw)
    colleague = await world.teacher("PL", school=warsaw)
    partner = await world.teacher("IT")
    school_class = await world.school_class(teacher, "5b")
    [pupil] = await world.pupils(teacher, 1, school_class, consent=False)
    [classmate] = await world.pupils(teacher, 1, school_class)
    project = await world.project(teacher, partner)
    for person in (pupil, classmate):
        await world.join(project, person, Role.PUPIL)
    channel = await world.channel(project, teacher)
    board = await world.board(project, teacher)
    return Classroom(
        world=world,
        teacher=teacher,
        colleague=colleague,
        partner=partner,
        pupil=pupil,
        classmate=classmate,
        school_class=school_class,
        project=project,
        channel=channel,
        board=board,
    )
