"""Room lifecycle: loaded once, relays, unloaded after the grace period, nothing leaks."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Callable

import pytest

from tests.pages.conftest import Classroom
from tests.support.node import Peer
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime.rooms import Room, RoomState
from twinspace.workspace.documents import room_info


async def _until(predicate: Callable[[], bool], within: float = 10) -> None:
    await eventually(predicate, within=within)


def _has_awareness(room: Room, count: int) -> Callable[[], bool]:
    return lambda: len(room.awareness.states()) == count


def _is_closed(room: Room) -> Callable[[], bool]:
    return lambda: room.state is RoomState.CLOSED


EMPTY_STATS = {"rooms": 0, "loading": 0, "unloading": 0, "clients": 0, "awareness_clients": 0}


async def test_concurrent_joins_load_the_room_once(classroom: Classroom) -> None:
    rooms = classroom.services.documents.rooms
    people = [classroom.teacher, classroom.partner, *classroom.pupils]
    clients = await asyncio.gather(
        *[
            YClient.connect(classroom.world.server.ws_url, classroom.page.room, token=p.token)
            for p in people * 2
        ]
    )
    await asyncio.gather(*[c.sync() for c in clients])
    assert rooms.loads == 1
    assert len(rooms.rooms[classroom.page.room].clients) == len(clients)
    clients[0].doc.insert_text(0, "fan-out")
    await asyncio.gather(*[c.wait_for(lambda c=c: c.doc.text() == "fan-out") for c in clients])
    await asyncio.gather(*[c.close() for c in clients])


async def test_room_unloads_after_grace_and_nothing_leaks(classroom: Classroom) -> None:
    documents = classroom.services.documents
    rooms = documents.rooms
    tasks_before = len(asyncio.all_tasks())
    for round_ in range(3):
        clients = [
            await YClient.connect(classroom.world.server.ws_url, classroom.page.room, token=p.token)
            for p in classroom.pupils
        ]
        await asyncio.gather(*[c.sync() for c in clients])
        for n, client in enumerate(clients):
            await client.set_awareness(client.doc.client_id, 1, f'{{"n": {n}}}')
        room = rooms.rooms[classroom.page.room]
        await _until(_has_awareness(room, 3))
        mark = str(round_)
        clients[0].doc.insert_text(0, mark)
        await clients[1].wait_for(lambda c=clients[1], mark=mark: mark in c.doc.text())
        await asyncio.gather(*[c.close() for c in clients])
        await _until(_is_closed(room))
        assert room.awareness.is_empty()
        # the unload's done callback forgets the task a loop turn after the room closed
        await _until(lambda: rooms.stats() == EMPTY_STATS)
        await _until(lambda: classroom.services.connections.count() == 0)
    assert rooms.loads == 3
    del room
    gc.collect()
    await _until(lambda: len(asyncio.all_tasks()) <= tasks_before)
    text = await documents.plain_text(classroom.page.room)
    assert sorted(text) == ["0", "1", "2"]


@pytest.mark.parametrize("settings_overrides", [{"room_grace_seconds": 5.0}])
async def test_rejoining_during_grace_keeps_the_room(classroom: Classroom) -> None:
    rooms = classroom.services.documents.rooms
    first = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.teacher.token
    )
    await first.sync()
    await first.close()
    second = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.teacher.token
    )
    await second.sync()
    assert rooms.loads == 1
    await second.close()


async def test_awareness_appears_and_disappears(classroom: Classroom) -> None:
    url, room = classroom.url(), classroom.page.room
    async with (
        await Peer.start(url, room, token=classroom.pupils[0].token) as a,
        await Peer.start(url, room, token=classroom.pupils[1].token) as b,
    ):
        await a.wait_synced()
        await b.wait_synced()
        # the caret shows the account's name, whatever the client wrote (no posing as
        # someone else, no phone number in a name); the rest of the state is the client's
        await a.set_awareness({"user": {"name": "Pani Nowak +48 601 234 567", "color": "#c00"}})
        state = await b.wait_state(lambda s: str(a.client_id) in s["awareness"])
        # the server writes the account's own name whatever the client set
        user = state["awareness"][str(a.client_id)]["user"]
        assert user["name"] == classroom.pupils[0].user.display_name
        await a.close()
        await b.wait_state(lambda s: str(a.client_id) not in s["awareness"])


class _Hung(Exception):
    pass


class _SilentClient:
    user_id = 0
    can_write = True
    refused_edits = 0

    def send(self, frame: bytes) -> None: ...

    def allow_writing(self, allowed: bool) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


async def test_joining_as_an_unload_finishes_loads_the_room_again(classroom: Classroom) -> None:
    # The unload task is done but its done callback (which forgets it) has not run yet: the
    # join must not wait on it in a loop that never yields (the server used to hang here).
    rooms = classroom.services.documents.rooms
    info = room_info(classroom.page)
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    finished.set_result(None)
    rooms._unloading[info.room] = finished

    def alarm(signum: int, frame: object) -> None:
        raise _Hung("join spun without yielding to the event loop")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 5)
    client = _SilentClient()
    try:
        room = await rooms.join(info, client)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        rooms._unloading.pop(info.room, None)
    assert room.state is RoomState.OPEN and rooms.rooms[info.room] is room
    rooms.leave(room, client)
    await _until(lambda: room.state is RoomState.CLOSED)
