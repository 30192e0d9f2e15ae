"""Awareness is bound to the account and bounded: the server writes who a state belongs to,
and a state, a connection's states and its number of client ids have small limits."""

from __future__ import annotations

import json
from typing import Any

from tests.pages.conftest import Classroom
from tests.support.node import Peer
from tests.support.yclient import YClient
from twinspace.realtime import close_codes
from twinspace.realtime.awareness import colour_for
from twinspace.realtime.protocol import AwarenessEntry, AwarenessMessage


async def test_a_pupil_cannot_pose_as_the_teacher_or_carry_text_in_its_name(
    classroom: Classroom,
) -> None:
    url, room = classroom.url(), classroom.page.room
    pupil = classroom.pupils[0]
    async with (
        await Peer.start(url, room, token=pupil.token) as impostor,
        await Peer.start(url, room, token=classroom.teacher.token) as teacher,
    ):
        await impostor.wait_synced()
        await teacher.wait_synced()
        await impostor.set_awareness(
            {
                "user": {"name": "Anna Nowak (teacher) +48 601 234 567", "role": "teacher"},
                "cursor": None,
            }
        )
        seen = await teacher.wait_state(lambda s: str(impostor.client_id) in s["awareness"])
        state: dict[str, Any] = seen["awareness"][str(impostor.client_id)]
        assert state["user"] == {
            "id": pupil.id,
            "name": pupil.user.display_name,
            "role": "pupil",
            "color": colour_for(pupil.id),
        }
        assert state["cursor"] is None
        # a late joiner's snapshot carries the same, server-written identity
        async with await Peer.start(url, room, token=classroom.partner.token) as late:
            await late.wait_synced()
            joined = await late.wait_state(lambda s: str(impostor.client_id) in s["awareness"])
            assert joined["awareness"][str(impostor.client_id)]["user"]["role"] == "pupil"


async def _hostile(classroom: Classroom) -> YClient:
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.pupils[1].token
    )
    await client.sync()
    return client


async def test_a_huge_awareness_state_closes_1009_and_reaches_no_one(
    classroom: Classroom,
) -> None:
    url, room = classroom.url(), classroom.page.room
    limit = classroom.services.settings.awareness_state_bytes
    async with await Peer.start(url, room, token=classroom.teacher.token) as teacher:
        await teacher.wait_synced()
        hostile = await _hostile(classroom)
        await hostile.set_awareness(7, 1, json.dumps({"name": "x" * 900_000}))
        assert await hostile.wait_closed() == close_codes.TOO_BIG
        small = await _hostile(classroom)
        await small.set_awareness(8, 1, json.dumps({"pad": "y" * (limit // 2)}))
        await teacher.wait_state(lambda s: "8" in s["awareness"])
        assert "7" not in (await teacher.state())["awareness"]
        await small.close()


async def test_a_connections_awareness_is_bounded_in_ids_and_bytes(classroom: Classroom) -> None:
    settings = classroom.services.settings
    many = await _hostile(classroom)
    ids = settings.awareness_clients_per_connection + 1
    await many.send(AwarenessMessage(tuple(AwarenessEntry(100 + n, 1, "{}") for n in range(ids))))
    assert await many.wait_closed() == close_codes.POLICY
    heavy = await _hostile(classroom)
    per_state = settings.awareness_state_bytes - 200
    count = settings.awareness_connection_bytes // per_state + 1
    assert count <= settings.awareness_clients_per_connection
    entries = tuple(
        AwarenessEntry(200 + n, 1, json.dumps({"pad": "z" * per_state})) for n in range(count)
    )
    await heavy.send(AwarenessMessage(entries))
    assert await heavy.wait_closed() == close_codes.TOO_BIG
    room = classroom.services.documents.rooms.rooms[classroom.page.room]
    assert room.awareness.states() == {}
