"""A live server and a project with a Polish and a Finnish class, a channel and a board."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import Person, World
from twinspace.storage.records import BoardRecord, ChannelRecord, ProjectRecord
from twinspace.types import Role


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def server(tmp_path: Path, settings_overrides: dict[str, Any]) -> AsyncIterator[LiveServer]:
    settings = make_settings(tmp_path / "data", page_settle_seconds=0.2, **settings_overrides)
    async with live_server(settings) as running:
        yield running


@dataclass
class School:
    world: World
    project: ProjectRecord
    teacher: Person  # Polish founder (Europe/Warsaw)
    partner: Person  # Finnish founder (Europe/Helsinki)
    pupil: Person  # Polish pupil
    classmate: Person  # Polish pupil
    finn: Person  # Finnish pupil
    channel: ChannelRecord
    board: BoardRecord

    def client(self, person: Person) -> httpx.AsyncClient:
        return self.world.client(person)

    async def post(
        self, person: Person, text: str, channel: ChannelRecord | None = None
    ) -> httpx.Response:
        async with self.client(person) as http:
            return await http.post(
                f"/api/v1/channels/{(channel or self.channel).id}/messages", json={"text": text}
            )

    async def visible_texts(self, person: Person) -> list[str]:
        async with self.client(person) as http:
            response = await http.get(f"/api/v1/channels/{self.channel.id}/messages")
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json() if m["text"] is not None]

    async def policy(self, **changes: Any) -> None:
        async with self.client(self.teacher) as http:
            url = f"/api/v1/projects/{self.project.id}/moderation/policy"
            current = (await http.get(url)).json()
            response = await http.put(url, json={**current, **changes})
        assert response.status_code == 200, response.text

    async def queue(self, state: str = "open") -> list[dict[str, Any]]:
        async with self.client(self.teacher) as http:
            response = await http.get(
                f"/api/v1/projects/{self.project.id}/moderation/queue", params={"state": state}
            )
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()
        return entries

    async def audit_actions(self) -> list[str]:
        async with self.client(self.teacher) as http:
            response = await http.get(
                f"/api/v1/projects/{self.project.id}/audit", params={"limit": 500}
            )
        assert response.status_code == 200, response.text
        return [entry["action"] for entry in response.json()]


@pytest.fixture
async def school(world: World) -> School:
    teacher, partner = await world.teacher("PL"), await world.teacher("FI")
    project = await world.project(teacher, partner)
    polish = await world.pupils(teacher, 2)
    finn = (await world.pupils(partner, 1))[0]
    for pupil in [*polish, finn]:
        await world.join(project, pupil, Role.PUPIL)
    channel = await world.channel(project, teacher, name="general")
    board = await world.board(project, teacher, title="Photos")
    return School(world, project, teacher, partner, polish[0], polish[1], finn, channel, board)
