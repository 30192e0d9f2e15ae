"""The moderation tests' school (a Polish and a Finnish founder, their pupils, a channel and
a board) with a recording mail sink in place of the mail service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.moderation.conftest import School, school, server, settings_overrides
from tests.support.world import Person, World

__all__ = ["school", "server", "settings_overrides"]


@dataclass
class RecordingMail:
    """A MailSink that keeps what it was given."""

    sent: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)

    async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> None:
        self.sent.append((user_id, kind, params))

    def to(self, user_id: int, kind: str) -> list[dict[str, str]]:
        return [p for u, k, p in self.sent if u == user_id and k == kind]


@pytest.fixture
def mail(world: World) -> RecordingMail:
    sink = RecordingMail()
    world.services.notifications.mail = sink
    return sink


async def settle(world: World) -> None:
    """Wait until the notifications started by what happened so far are written."""
    await world.services.notification_writer.idle()


async def notifications(world: World, person: Person, **params: Any) -> dict[str, Any]:
    await settle(world)
    async with world.client(person) as http:
        response = await http.get("/api/v1/me/notifications", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def kinds(world: World, person: Person) -> list[str]:
    """The kinds of the person's unread notifications, newest first."""
    return [n["kind"] for n in (await notifications(world, person, unread="true"))["items"]]


async def read_all(world: World, *people: Person) -> None:
    """Start from nothing unread (the school's co-founder was invited, for one)."""
    await settle(world)
    for person in people:
        async with world.client(person) as http:
            assert (await http.post("/api/v1/me/notifications/read")).json() == {"unread": 0}


__all__ += ["RecordingMail", "School", "kinds", "notifications", "read_all", "settle"]
