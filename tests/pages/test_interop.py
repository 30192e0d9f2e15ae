"""The stock yjs + y-websocket client in node against our server: convergence under load."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.node import Peer

# the server runs on either loop (TWINSPACE_EVENT_LOOP): these run on both
pytestmark = pytest.mark.both_event_loops

INITIAL = [
    {"type": "paragraph", "content": [{"type": "text", "text": f"paragraph {i}"}]} for i in range(3)
]


async def _peers(classroom: Classroom, count: int) -> list[Peer]:
    people = [classroom.teacher, classroom.partner, *classroom.pupils]
    peers = await asyncio.gather(
        *[
            Peer.start(classroom.url(), classroom.page.room, token=people[i % len(people)].token)
            for i in range(count)
        ]
    )
    await asyncio.gather(*[p.wait_synced(within=30) for p in peers])
    return list(peers)


def _random_op(rng: random.Random, base_len: int, headroom: int) -> dict[str, Any]:
    choice = rng.random()
    if choice < 0.35:
        return {
            "op": "textInsert",
            "index": rng.randint(0, base_len),
            "text": rng.choice(["a", "bc", "ž", "日本", " "]),
        }
    if choice < 0.55:
        return {"op": "textDelete", "index": rng.randint(0, base_len - headroom - 1), "length": 1}
    if choice < 0.8:
        return {
            "op": "xmlTextInsert",
            "path": [rng.randint(0, 2), 0],
            "index": 0,
            "text": rng.choice(["x", "yz"]),
            "attrs": rng.choice([{}, {"bold": {}}, {"italic": {}}]),
        }
    if choice < 0.9:
        return {
            "op": "insertNodes",
            "path": [],
            "index": 0,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "new"}]}],
        }
    return {
        "op": "setAttribute",
        "path": [rng.randint(0, 2)],
        "key": "textAlign",
        "value": rng.choice(["left", "center"]),
    }


@pytest.mark.parametrize("count", [2, 30])
async def test_random_concurrent_edits_converge(classroom: Classroom, count: int) -> None:
    rng = random.Random(count)
    peers = await _peers(classroom, count)
    try:
        await peers[0].insert(0, "0123456789" * 10)
        await peers[0].op({"op": "setContent", "content": INITIAL})
        await asyncio.gather(
            *[
                p.wait_state(lambda s: len(s["text"]) == 100 and s["xml"].count("<paragraph") == 3)
                for p in peers
            ]
        )
        base_len = 100
        rounds = 6 if count <= 10 else 3
        for _ in range(rounds):
            await asyncio.gather(*[p.op(_random_op(rng, base_len, count)) for p in peers])
            base_len = max(0, base_len - count)  # a safe lower bound for the next round
        server_room = classroom.services.documents.rooms.rooms[classroom.page.room]

        def converged(states: list[dict[str, Any]]) -> bool:
            return all(s["sv"] == states[0]["sv"] for s in states)

        async with asyncio.timeout(60):
            while True:
                states = await asyncio.gather(*[p.state() for p in peers])
                if converged(states) and states[0]["text"] == server_room.doc.text():
                    break
                await asyncio.sleep(0.1)
        assert len({s["text"] for s in states}) == 1
        assert len({s["xml"] for s in states}) == 1
        page = server_room.doc.page()
        assert page is not None
    finally:
        await asyncio.gather(*[p.close() for p in peers])


async def test_offline_edits_merge_on_reconnect(classroom: Classroom) -> None:
    a, b = await _peers(classroom, 2)
    try:
        await a.insert(0, "shared ")
        await b.wait_state(lambda s: s["text"] == "shared ")
        await a.disconnect()
        await a.insert(7, "offline-a ")
        await b.insert(0, "online-b ")
        await b.wait_state(lambda s: s["text"].startswith("online-b"))
        await a.connect()
        final = await a.wait_state(lambda s: "online-b" in s["text"] and s["synced"])
        await b.wait_state(lambda s: s["text"] == final["text"])
        assert "offline-a" in final["text"]
    finally:
        await a.close()
        await b.close()
