"""Fixtures for the page server: a live server per CRDT engine and a project with a page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import Person, World
from twinspace.realtime.crdt import Engine, available_engines
from twinspace.storage.records import PageRecord, ProjectRecord
from twinspace.types import Role, UserKind


@pytest.fixture(params=list(Engine), ids=lambda engine: engine.value)
def engine(request: pytest.FixtureRequest) -> Engine:
    chosen: Engine = request.param
    if chosen not in available_engines():
        pytest.skip(f"{chosen.value} is not installed on this Python")
    return chosen


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def server(
    tmp_path: Path, engine: Engine, settings_overrides: dict[str, Any]
) -> AsyncIterator[LiveServer]:
    settings = make_settings(tmp_path / "data", crdt_engine=engine.value, **settings_overrides)
    async with live_server(settings) as running:
        yield running


@dataclass
class Classroom:
    world: World
    project: ProjectRecord
    page: PageRecord
    teacher: Person
    partner: Person
    pupils: list[Person]
    guest: Person

    def url(self, room: str | None = None) -> str:
        return f"{self.world.server.ws_url}/ws/docs"

    @property
    def services(self) -> Any:
        return self.world.services


@pytest.fixture
async def classroom(world: World) -> Classroom:
    project, teacher, partner = await world.european_project()
    pupils = await world.pupils(teacher, 3)
    for pupil in pupils:
        await world.join(project, pupil, Role.PUPIL)
    guest = await world.staff(UserKind.NSO, "PL")
    await world.join(project, guest, Role.GUEST)
    access = await world.services.access.project(teacher.user, project.id)
    page = await world.services.pages.create(access, "Our rivers")
    return Classroom(world, project, page, teacher, partner, pupils, guest)
