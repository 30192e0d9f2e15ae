"""Who may open, read and write a page over /ws/docs, and how permission changes apply live."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import InvalidStatus

from tests.pages.conftest import Classroom
from tests.support.node import Peer
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime import close_codes


async def _code(classroom: Classroom, room: str, **kw: object) -> int | None:
    client = await YClient.connect(classroom.world.server.ws_url, room, **kw)  # type: ignore[arg-type]
    return await client.wait_closed()


async def test_no_credentials_closes_4401(classroom: Classroom) -> None:
    assert await _code(classroom, classroom.page.room) == close_codes.NOT_AUTHENTICATED
    assert (
        await _code(classroom, classroom.page.room, token="forged") == close_codes.NOT_AUTHENTICATED
    )


async def test_non_member_and_unknown_room_look_the_same(classroom: Classroom) -> None:
    outsider = await classroom.world.teacher("DE")
    assert (
        await _code(classroom, classroom.page.room, token=outsider.token)
        == close_codes.UNKNOWN_ROOM
    )
    assert (
        await _code(classroom, "page-does-not-exist", token=classroom.teacher.token)
        == close_codes.UNKNOWN_ROOM
    )


async def test_deleted_page_closes_its_sockets(classroom: Classroom) -> None:
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.pupils[0].token
    )
    await client.sync()
    async with classroom.world.client(classroom.teacher) as http:
        assert (await http.delete(f"/api/v1/pages/{classroom.page.id}")).status_code == 204
    assert await client.wait_closed() == close_codes.UNKNOWN_ROOM
    assert (
        await _code(classroom, classroom.page.room, token=classroom.pupils[0].token)
        == close_codes.UNKNOWN_ROOM
    )


async def _cookie(classroom: Classroom) -> str:
    async with classroom.world.client() as http:
        response = await http.post(
            "/api/v1/session",
            json={
                "username": classroom.pupils[0].user.username,
                "password": classroom.pupils[0].password,
            },
        )
    return f"twinspace_session={response.cookies['twinspace_session']}"


async def test_cookie_auth_checks_origin(classroom: Classroom) -> None:
    cookie = await _cookie(classroom)
    origin = f"http://127.0.0.1:{classroom.world.server.settings.port}"
    good = await YClient.connect(
        classroom.world.server.ws_url,
        classroom.page.room,
        headers={"Cookie": cookie, "Origin": origin},
    )
    await good.sync()
    await good.close()
    assert (
        await _code(
            classroom,
            classroom.page.room,
            headers={"Cookie": cookie, "Origin": "https://evil.example"},
        )
        == close_codes.FORBIDDEN
    )


async def test_read_only_edits_never_reach_others(classroom: Classroom) -> None:
    url, room = classroom.url(), classroom.page.room
    async with (
        await Peer.start(url, room, token=classroom.guest.token) as guest,
        await Peer.start(url, room, token=classroom.teacher.token) as teacher,
    ):
        await guest.wait_synced()
        await teacher.wait_synced()
        await guest.insert(0, "guest was here")
        await teacher.insert(0, "teacher text")
        await guest.wait_state(lambda s: "teacher text" in s["text"])
        # the teacher sees only their own text, now and after a fresh join
        state = await teacher.state()
        assert state["text"] == "teacher text"
    async with await Peer.start(url, room, token=classroom.pupils[0].token) as late:
        await late.wait_synced()
        assert (await late.state())["text"] == "teacher text"
    stored = await classroom.services.documents.plain_text(room)
    assert "guest" not in stored


async def test_lock_makes_pupils_read_only_at_once(classroom: Classroom) -> None:
    url, room = classroom.url(), classroom.page.room
    pupil_token = classroom.pupils[0].token
    async with (
        await Peer.start(url, room, token=pupil_token) as pupil,
        await Peer.start(url, room, token=classroom.pupils[1].token) as quiet,
        await Peer.start(url, room, token=classroom.teacher.token) as teacher,
        classroom.world.client(classroom.teacher) as http,
    ):
        for peer in (pupil, quiet, teacher):
            await peer.wait_synced()
        await pupil.insert(0, "A")
        await teacher.wait_state(lambda s: s["text"] == "A")
        assert (await http.post(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        await pupil.insert(1, "B")
        await teacher.insert(0, "T")
        await pupil.wait_state(lambda s: s["text"] == "TAB")
        assert (await teacher.state())["text"] == "TA"
        assert (await http.delete(f"/api/v1/pages/{classroom.page.id}/lock")).status_code == 200
        # What was typed while locked is not silently lost: that client is told (4409, it
        # rebuilds); a pupil who typed nothing stays connected and edits at once.
        closed = await pupil.wait_for_event(lambda e: e.get("event") == "closed")
        assert closed["code"] == close_codes.RESYNC
        await quiet.insert(0, "Q")
        await teacher.wait_state(lambda s: s["text"] == "QTA")
        async with await Peer.start(url, room, token=pupil_token) as fresh:
            await fresh.wait_synced()
            await fresh.insert(0, "D")
            await teacher.wait_state(lambda s: s["text"] == "DQTA")
        assert "B" not in await classroom.services.documents.plain_text(room)


async def test_removed_member_is_disconnected(classroom: Classroom) -> None:
    pupil = classroom.pupils[0]
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=pupil.token
    )
    await client.sync()
    async with classroom.world.client(classroom.teacher) as http:
        response = await http.delete(f"/api/v1/projects/{classroom.project.id}/members/{pupil.id}")
    assert response.status_code == 204
    assert await client.wait_closed() == close_codes.FORBIDDEN


async def test_signing_out_everywhere_closes_sockets(classroom: Classroom) -> None:
    pupil = classroom.pupils[1]
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=pupil.token
    )
    await client.sync()
    async with classroom.world.client(pupil) as http:
        assert (await http.delete("/api/v1/session", params={"all": "true"})).status_code == 204
    assert await client.wait_closed() == close_codes.NOT_AUTHENTICATED


async def test_archiving_the_project_makes_the_page_read_only(classroom: Classroom) -> None:
    teacher = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.teacher.token
    )
    await teacher.sync()
    async with classroom.world.client(classroom.teacher) as http:
        assert (
            await http.post(
                f"/api/v1/projects/{classroom.project.id}/state", json={"state": "archived"}
            )
        ).status_code == 200
    teacher.doc.insert_text(0, "after archive")
    room = classroom.services.documents.rooms.rooms[classroom.page.room]
    await asyncio.sleep(0)  # let the update leave the client
    await eventually(
        lambda: any(c.dropped_updates for c in room.clients),
        within=5,
    )
    assert "after archive" not in await classroom.services.documents.plain_text(room.name)
    await teacher.close()


@pytest.mark.parametrize("path", ["/ws/docs/", "/ws/docs/a/b"])
async def test_malformed_paths_are_refused(classroom: Classroom, path: str) -> None:
    from websockets.asyncio.client import connect

    with pytest.raises(InvalidStatus):
        async with connect(classroom.world.server.ws_url + path):
            pass
