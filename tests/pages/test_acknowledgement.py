"""A page socket's save probe (sync step 1 after an edit, which the editor's "All changes
saved" follows) is answered only once the edits before it are committed (docs/cluster.md,
"Acknowledged means stored"); a socket with nothing unsaved is answered at once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime import crdt
from twinspace.realtime.protocol import SyncStep1, SyncStep2


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"persist_batch_ms": 5000}  # a long group-commit window to look into


def _answers(client: YClient) -> int:
    return sum(isinstance(m, SyncStep2) for m in client.received)


async def test_the_save_probe_is_answered_after_the_commit(classroom: Classroom) -> None:
    url, room = classroom.world.server.ws_url, classroom.page.room
    writer = await YClient.connect(url, room, token=classroom.teacher.token)
    reader = await YClient.connect(url, room, token=classroom.partner.token)
    await writer.sync()
    await reader.sync()
    persistence = classroom.services.documents.persistence
    live = classroom.services.documents.rooms.rooms[room]
    writer.doc.insert_text(0, "saved for sure")
    await eventually(lambda: live.doc.text() == "saved for sure")
    before = _answers(writer), _answers(reader)
    await writer.send(SyncStep1(writer.doc.state_vector()))
    await reader.send(SyncStep1(reader.doc.state_vector()))
    # the reader sent no edit: its answer does not wait for the writer's commit
    await reader.wait_for(lambda: _answers(reader) > before[1])
    assert not persistence.is_durable(persistence.appended), "the edit is still queued"
    assert _answers(writer) == before[0], "not acknowledged before it is stored"
    await writer.wait_for(lambda: _answers(writer) > before[0], within=30)
    stored = await classroom.services.storage.documents.load(room)
    fresh = crdt.Document()
    for update in [u for _, u in stored.updates]:
        fresh.apply_update(update)
    assert fresh.text() == "saved for sure", "acknowledged means in the database"
    await writer.close()
    await reader.close()
