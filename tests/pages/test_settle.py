"""A page 'settles' (moderation scans it) once, after its edits have paused long enough."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient

SETTLE = 0.3


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"page_settle_seconds": SETTLE}


async def test_settles_once_after_the_last_edit(classroom: Classroom) -> None:
    settled: list[tuple[str, float]] = []
    classroom.services.documents.on_settled(
        lambda info: settled.append((info.room, time.monotonic()))
    )
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.teacher.token
    )
    await client.sync()
    for n in range(12):  # edits every 0.1 s for 1.2 s: never quiet for SETTLE seconds
        client.doc.insert_text(0, f"{n};")
        await asyncio.sleep(0.1)
        assert settled == [], f"settled during edits, after edit {n}"
    last_edit = time.monotonic()
    await eventually(lambda: settled, within=5)
    await asyncio.sleep(SETTLE * 2)
    assert [room for room, _ in settled] == [classroom.page.room]
    assert settled[0][1] - last_edit >= SETTLE - 0.15  # the server saw the edit a bit later
    await client.close()
