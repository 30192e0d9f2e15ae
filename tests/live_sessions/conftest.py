"""A Polish (Europe/Warsaw) and a Finnish (Europe/Helsinki) school in one TwinSpace, each with
a class in the project, and helpers to schedule, join and write in live sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.world import Person, World
from twinspace.storage.records import ClassRecord, ProjectRecord
from twinspace.types import Role


def at(offset: timedelta) -> str:
    """An aware ISO instant `offset` from now."""
    return (datetime.now(UTC) + offset).isoformat()


@dataclass
class Partners:
    world: World
    project: ProjectRecord
    polish_teacher: Person
    finnish_teacher: Person
    polish_class: ClassRecord
    finnish_class: ClassRecord
    polish_pupils: list[Person]  # both in the Polish class
    finnish_pupil: Person

    @property
    def ola(self) -> Person:
        return self.polish_pupils[0]

    @property
    def aino(self) -> Person:
        return self.finnish_pupil

    def client(self, person: Person) -> httpx.AsyncClient:
        return self.world.client(person)

    async def schedule(
        self,
        *,
        starts_in: timedelta = timedelta(hours=1),
        lasts: timedelta = timedelta(hours=1),
        teacher: Person | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        body = {
            "title": "Rivers of Europe",
            "starts_at": at(starts_in),
            "ends_at": at(starts_in + lasts),
            "class_ids": [self.polish_class.id, self.finnish_class.id],
            "agenda": [
                {"title": "Hello from each class", "minutes": 10},
                {"title": "Write the river page together"},
            ],
            **extra,
        }
        async with self.client(teacher or self.polish_teacher) as http:
            response = await http.post(
                f"/api/v1/projects/{self.project.id}/live-sessions", json=body
            )
        assert response.status_code == 201, response.text
        session: dict[str, Any] = response.json()
        return session

    async def call(
        self, person: Person, method: str, session_id: int, action: str = "", **kw: Any
    ) -> httpx.Response:
        path = f"/api/v1/live-sessions/{session_id}" + (f"/{action}" if action else "")
        async with self.client(person) as http:
            return await http.request(method, path, **kw)

    async def code(self, teacher: Person, session_id: int, class_id: int) -> str:
        response = await self.call(teacher, "GET", session_id, "codes")
        assert response.status_code == 200, response.text
        [entry] = [c for c in response.json() if c["class_id"] == class_id]
        return str(entry["code"])

    async def join(self, pupil: Person, session_id: int, code: str | None) -> httpx.Response:
        return await self.call(pupil, "POST", session_id, "join", json={"code": code})

    async def open_and_join(self, session_id: int, *pupils: Person) -> None:
        assert (await self.call(self.polish_teacher, "POST", session_id, "open")).status_code == 200
        codes = {
            self.polish_class.id: await self.code(
                self.polish_teacher, session_id, self.polish_class.id
            ),
            self.finnish_class.id: await self.code(
                self.finnish_teacher, session_id, self.finnish_class.id
            ),
        }
        for pupil in pupils:
            class_id = self.finnish_class.id if pupil is self.aino else self.polish_class.id
            response = await self.join(pupil, session_id, codes[class_id])
            assert response.status_code == 200, response.text

    async def message(self, person: Person, channel_id: int, text: str) -> httpx.Response:
        async with self.client(person) as http:
            return await http.post(f"/api/v1/channels/{channel_id}/messages", json={"text": text})

    async def board_post(self, person: Person, board_id: int, title: str) -> httpx.Response:
        async with self.client(person) as http:
            return await http.post(
                f"/api/v1/boards/{board_id}/posts", json={"kind": "text", "title": title}
            )

    async def log_actions(self, session_id: int) -> list[str]:
        response = await self.call(self.polish_teacher, "GET", session_id, "log")
        assert response.status_code == 200, response.text
        return [entry["action"] for entry in response.json()]


@pytest.fixture
async def partners(world: World) -> Partners:
    return await make_partners(world)


async def make_partners(world: World) -> Partners:
    """Two schools' teachers, a class each, pupils joined to one project."""
    warsaw = await world.school("PL", timezone="Europe/Warsaw")
    helsinki = await world.school("FI", timezone="Europe/Helsinki")
    polish_teacher = await world.teacher("PL", school=warsaw)
    finnish_teacher = await world.teacher("FI", school=helsinki)
    project = await world.project(polish_teacher, finnish_teacher)
    polish_class = await world.school_class(polish_teacher, "5A")
    finnish_class = await world.school_class(finnish_teacher, "5B")
    polish_pupils = await world.pupils(polish_teacher, 2, polish_class)
    [finnish_pupil] = await world.pupils(finnish_teacher, 1, finnish_class)
    for pupil in [*polish_pupils, finnish_pupil]:
        await world.join(project, pupil, Role.PUPIL)
    return Partners(
        world,
        project,
        polish_teacher,
        finnish_teacher,
        polish_class,
        finnish_class,
        polish_pupils,
        finnish_pupil,
    )
