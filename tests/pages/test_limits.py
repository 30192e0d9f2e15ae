"""Every limit of the page socket is enforced with its documented close code."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.node import Peer
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime import close_codes
from twinspace.realtime.protocol import SyncUpdate


async def _connect(classroom: Classroom, person_index: int = 0) -> YClient:
    client = await YClient.connect(
        classroom.world.server.ws_url,
        classroom.page.room,
        token=classroom.pupils[person_index].token,
    )
    await client.sync()
    return client


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x00",
        b"\x00\x05",
        b"\x07\x00",
        b"\x00\x00\xff\xff\xff\xff\x0f",
        b"\x00\x02\x05\x01\x02",
        b"\x01\x01\x01\x00",
    ],
)
async def test_malformed_frame_closes_only_that_connection(
    classroom: Classroom, frame: bytes
) -> None:
    bad, good, witness = (
        await _connect(classroom, 0),
        await _connect(classroom, 1),
        await _connect(classroom, 2),
    )
    await bad.send_raw(frame)
    assert await bad.wait_closed() == close_codes.MALFORMED
    good.doc.insert_text(0, "still here")
    await witness.wait_for(lambda: witness.doc.text() == "still here")
    await good.close()
    await witness.close()


async def test_text_frames_are_malformed(classroom: Classroom) -> None:
    client = await _connect(classroom)
    await client.send_raw("hello")
    assert await client.wait_closed() == close_codes.MALFORMED


async def test_garbage_update_is_malformed_and_room_survives(classroom: Classroom) -> None:
    bad, good = await _connect(classroom, 0), await _connect(classroom, 1)
    await bad.send(SyncUpdate(b"\x01\x01\xff\xff\xff\xff\x0f\x00\x28\x01"))
    assert await bad.wait_closed() == close_codes.MALFORMED
    good.doc.insert_text(0, "ok")
    late = await _connect(classroom, 2)
    await late.wait_for(lambda: late.doc.text() == "ok")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "ws_max_message_bytes": 4096,
        "max_document_bytes": 20_000,
        "ws_messages_per_second": 20.0,
        "ws_message_burst": 30,
        "max_connections_per_user": 3,
        "idle_timeout_seconds": 1.5,
    }


async def test_message_too_big_closes_1009(classroom: Classroom) -> None:
    client = await _connect(classroom)
    client.doc.insert_text(0, "x" * 5000)
    assert await client.wait_closed() == close_codes.TOO_BIG


async def test_document_size_limit_closes_1009(classroom: Classroom) -> None:
    client = await _connect(classroom)
    for _ in range(8):
        client.doc.insert_text(0, "y" * 3000)
        await asyncio.sleep(0)
    assert await client.wait_closed() == close_codes.TOO_BIG
    stored = await classroom.services.documents.plain_text(classroom.page.room)
    assert 0 < len(stored) <= 20_000


async def test_flood_closes_4429_and_others_go_on(classroom: Classroom) -> None:
    flooder, other = await _connect(classroom, 0), await _connect(classroom, 1)
    for i in range(200):
        try:
            flooder.doc.insert_text(0, str(i % 10))
        except Exception:
            break
        await asyncio.sleep(0)
    assert await flooder.wait_closed() == close_codes.RATE_LIMITED
    other.doc.insert_text(0, "calm")
    await other.wait_for(lambda: "calm" in other.doc.text())
    fresh = await _connect(classroom, 2)
    await fresh.wait_for(lambda: "calm" in fresh.doc.text())


async def test_connections_per_user(classroom: Classroom) -> None:
    clients = [await _connect(classroom, 0) for _ in range(3)]
    extra = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.pupils[0].token
    )
    assert await extra.wait_closed() == close_codes.RATE_LIMITED
    await clients[0].close()
    await eventually(lambda: classroom.services.connections.count() <= 2, within=5)
    replacement = await _connect(classroom, 0)
    await replacement.close()


async def test_idle_connection_times_out_4408(classroom: Classroom) -> None:
    client = await _connect(classroom)
    assert await client.wait_closed(within=5) == close_codes.TIMEOUT


async def test_stock_client_keeps_alive_with_awareness(classroom: Classroom) -> None:
    async with await Peer.start(
        classroom.url(), classroom.page.room, token=classroom.teacher.token
    ) as peer:
        await peer.wait_synced()
        await peer.set_awareness({"user": {"name": "T"}})
        await peer.insert(0, "a")
        # a stock client that keeps editing is never idle
        for n in range(4):
            await asyncio.sleep(0.5)
            await peer.insert(0, str(n))
        state = await peer.state()
        assert state["status"] == "connected"


async def test_unlimited_connections_when_cap_is_zero(tmp_path: Any) -> None:
    from tests.support.server import live_server, make_settings
    from tests.support.world import World

    settings = make_settings(tmp_path / "d", max_connections_per_user=0)
    async with live_server(settings) as server:
        world = World(server)
        project, teacher, _ = await world.european_project()
        access = await world.services.access.project(teacher.user, project.id)
        page = await world.services.pages.create(access, "p")
        clients = []
        for _ in range(25):
            client = await YClient.connect(server.ws_url, page.room, token=teacher.token)
            await client.sync()
            clients.append(client)
        assert world.services.connections.count() == 25
        for client in clients:
            await client.close()


async def test_handshake_timeout_closes_4408(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.server import live_server, make_settings
    from tests.support.world import World
    from twinspace.face import auth

    settings = make_settings(tmp_path / "d", handshake_timeout_seconds=0.3)
    async with live_server(settings) as server:
        world = World(server)
        project, teacher, _ = await world.european_project()
        access = await world.services.access.project(teacher.user, project.id)
        page = await world.services.pages.create(access, "p")
        original = auth.identify_websocket

        async def slow(*args: Any) -> Any:
            await asyncio.sleep(2)
            return await original(*args)

        monkeypatch.setattr("twinspace.face.sockets.admission.identify_websocket", slow)
        client = await YClient.connect(server.ws_url, page.room, token=teacher.token)
        assert await client.wait_closed() == close_codes.TIMEOUT
