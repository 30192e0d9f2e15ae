"""Sockets follow their session: however a session ends, its page and events sockets close
with 4401 within a second or so, and the user's other sessions keep theirs."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.foundation.test_cli import run as run_cli
from tests.support.events import events_url
from tests.support.poll import eventually
from tests.support.world import Person, World
from tests.support.yclient import YClient
from twinspace.clock import to_iso, utcnow
from twinspace.realtime import close_codes
from twinspace.storage.records import PageRecord, ProjectRecord
from twinspace.types import Role

# The property is "within a second"; the bound leaves room for a loaded test machine.
WITHIN = 3.0


@dataclass
class Scene:
    world: World
    project: ProjectRecord
    page: PageRecord
    teacher: Person
    pupil: Person


@pytest.fixture
async def scene(world: World) -> Scene:
    project, teacher, _partner = await world.european_project()
    (pupil,) = await world.pupils(teacher, 1)
    await world.join(project, pupil, Role.PUPIL)
    access = await world.services.access.project(teacher.user, project.id)
    page = await world.services.pages.create(access, "Sessions")
    return Scene(world, project, page, teacher, pupil)


@dataclass
class Sockets:
    """One session's page socket and project events socket."""

    doc: YClient
    events: ClientConnection

    @classmethod
    async def open(cls, scene: Scene, token: str) -> Sockets:
        server = scene.world.server
        doc = await YClient.connect(server.ws_url, scene.page.room, token=token)
        await doc.sync()
        ws = await connect(events_url(server, scene.project.id, token=token), proxy=None)
        await ws.recv()  # hello
        return cls(doc, ws)

    async def close_codes(self, within: float = WITHIN) -> tuple[int | None, int | None]:
        doc_code = await self.doc.wait_closed(within)
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.events.recv()
        except ConnectionClosed as closed:
            return doc_code, closed.rcvd.code if closed.rcvd else None

    async def still_open(self) -> bool:
        """Both sockets still answer."""
        self.doc.received.clear()
        await self.doc.sync()
        await self.events.send('{"type": "ping"}')
        while True:
            if '"pong"' in str(await self.events.recv()):
                return True

    async def shut(self) -> None:
        await self.doc.close()
        await self.events.close()


async def _second_session(scene: Scene, person: Person) -> str:
    user = await scene.world.storage.users.get(person.id)
    assert user is not None
    return (await scene.world.services.accounts.start_session(user)).token


async def _sign_out(scene: Scene, token: str) -> None:
    async with scene.world.server.client(token) as http:
        assert (await http.delete("/api/v1/session")).status_code == 204


async def _change_password(scene: Scene, token: str) -> None:
    async with scene.world.server.client(token) as http:
        response = await http.post(
            "/api/v1/me/password",
            json={"current_password": scene.pupil.password, "new_password": "a-new-password-1"},
        )
    assert response.status_code == 204, response.text


async def test_signing_out_one_session_closes_its_sockets_only(scene: Scene) -> None:
    other = await _second_session(scene, scene.pupil)
    keep, leaving = await Sockets.open(scene, scene.pupil.token), await Sockets.open(scene, other)
    started = time.monotonic()
    await _sign_out(scene, other)
    assert await leaving.close_codes() == (close_codes.NOT_AUTHENTICATED,) * 2
    assert time.monotonic() - started < WITHIN
    assert await keep.still_open()
    await keep.shut()


async def test_changing_the_password_closes_the_other_sessions_sockets(scene: Scene) -> None:
    other = await _second_session(scene, scene.pupil)
    keep, leaving = await Sockets.open(scene, scene.pupil.token), await Sockets.open(scene, other)
    await _change_password(scene, scene.pupil.token)
    assert await leaving.close_codes() == (close_codes.NOT_AUTHENTICATED,) * 2
    assert await keep.still_open()
    await keep.shut()


async def test_an_expiring_session_closes_its_sockets_at_expiry(scene: Scene) -> None:
    token = await _second_session(scene, scene.pupil)
    session = scene.world.services.accounts
    auth = await session.authenticate(token)
    assert auth is not None
    expires = utcnow() + timedelta(seconds=1.5)
    await scene.world.storage.db.autocommit.execute(
        "UPDATE sessions SET expires_at = ? WHERE id = ?", (to_iso(expires), auth.session_id)
    )
    sockets = await Sockets.open(scene, token)
    assert await sockets.close_codes(within=1.5 + WITHIN) == (close_codes.NOT_AUTHENTICATED,) * 2
    assert utcnow() >= expires


Ending = Callable[[Scene], Awaitable[None]]


async def _teacher_resets(scene: Scene) -> None:
    async with scene.world.client(scene.teacher) as http:
        response = await http.post(f"/api/v1/pupils/{scene.pupil.id}/password")
    assert response.status_code == 200, response.text


async def _teacher_erases(scene: Scene) -> None:
    async with scene.world.client(scene.teacher) as http:
        response = await http.delete(f"/api/v1/pupils/{scene.pupil.id}")
    assert response.status_code == 204, response.text


async def _signs_out_everywhere(scene: Scene) -> None:
    async with scene.world.client(scene.pupil) as http:
        assert (await http.delete("/api/v1/session", params={"all": "true"})).status_code == 204


async def _deactivated(scene: Scene) -> None:
    user = await scene.world.storage.users.get(scene.pupil.id)
    assert user is not None
    await scene.world.services.accounts.set_active(user, False)


async def _deactivated_by_another_process(scene: Scene) -> None:
    # what `twinspace` run elsewhere does: no event reaches this process, the sweep notices
    await scene.world.storage.users.set_disabled(scene.pupil.id, True)


@pytest.mark.parametrize(
    ("ending", "code"),
    [
        (_teacher_resets, close_codes.NOT_AUTHENTICATED),
        (_teacher_erases, close_codes.FORBIDDEN),  # no longer a member of anything
        (_signs_out_everywhere, close_codes.NOT_AUTHENTICATED),
        (_deactivated, close_codes.NOT_AUTHENTICATED),
        (_deactivated_by_another_process, close_codes.NOT_AUTHENTICATED),
    ],
    ids=["teacher-resets", "teacher-erases", "signs-out-everywhere", "deactivated", "elsewhere"],
)
async def test_every_way_an_account_loses_its_sessions_closes_every_socket(
    scene: Scene, ending: Ending, code: int
) -> None:
    first = await Sockets.open(scene, scene.pupil.token)
    second = await Sockets.open(scene, await _second_session(scene, scene.pupil))
    await ending(scene)
    for sockets in (first, second):
        assert await sockets.close_codes() == (code, code)
    connections = scene.world.services.connections
    await eventually(lambda: connections.of_user(scene.pupil.id) == [], within=WITHIN)


async def test_the_deactivate_command_closes_a_running_servers_sockets(scene: Scene) -> None:
    sockets = await Sockets.open(scene, scene.pupil.token)
    data_dir = scene.world.server.settings.data_dir
    result = await asyncio.to_thread(
        run_cli, "deactivate", "--data", str(data_dir), "--username", scene.pupil.user.username
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["active"] is False
    assert await sockets.close_codes() == (close_codes.NOT_AUTHENTICATED,) * 2
    async with scene.world.client() as http:
        response = await http.post(
            "/api/v1/session",
            json={"username": scene.pupil.user.username, "password": scene.pupil.password},
        )
    assert response.status_code == 401
    result = await asyncio.to_thread(
        run_cli, "reactivate", "--data", str(data_dir), "--username", scene.pupil.user.username
    )
    assert result.returncode == 0, result.stderr
