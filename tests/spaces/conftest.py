"""A live server (settings overridable per test) and a project with a class, a channel, a board."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import Person, World
from twinspace.storage.records import BoardRecord, ChannelRecord, ClassRecord, ProjectRecord
from twinspace.types import Role


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def server(tmp_path: Path, settings_overrides: dict[str, Any]) -> AsyncIterator[LiveServer]:
    async with live_server(make_settings(tmp_path / "data", **settings_overrides)) as running:
        yield running


@dataclass
class Room:
    """One project: a Polish founder, an Italian founder, two pupils of the Polish class."""

    world: World
    project: ProjectRecord
    teacher: Person
    partner: Person
    school_class: ClassRecord
    pupils: list[Person]
    channel: ChannelRecord
    board: BoardRecord

    @property
    def ana(self) -> Person:
        return self.pupils[0]

    @property
    def ben(self) -> Person:
        return self.pupils[1]


@pytest.fixture
async def room(world: World) -> Room:
    project, teacher, partner = await world.european_project()
    school_class = await world.school_class(teacher)
    pupils = await world.pupils(teacher, 2, school_class)
    for pupil in pupils:
        await world.join(project, pupil, Role.PUPIL)
    channel = await world.channel(project, teacher, name="general")
    board = await world.board(project, teacher, title="Photo wall")
    return Room(world, project, teacher, partner, school_class, pupils, channel, board)


@pytest.fixture
async def outsider(world: World) -> Person:
    """A teacher who founded another project and belongs to none of `room`'s."""
    _project, founder, _partner = await world.european_project()
    return founder
