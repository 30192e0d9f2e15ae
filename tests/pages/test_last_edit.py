"""A page's last-edited time and editor come from real edits (issue 20 item 3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient

API = "/api/v1"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"page_edit_record_seconds": 0.1}


async def _page(classroom: Classroom, token: str) -> dict[str, Any]:
    async with classroom.world.server.client(token) as http:
        response = await http.get(f"{API}/pages/{classroom.page.id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_an_edit_moves_the_last_edited_time_and_names_the_editor(
    classroom: Classroom,
) -> None:
    before = await _page(classroom, classroom.teacher.token)
    assert before["edited_by"] == classroom.teacher.user.id  # creating counts as editing
    pupil = classroom.pupils[0]
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=pupil.token
    )
    try:
        await client.sync()
        client.doc.insert_text(0, "Vistula and Po")

        async def edited_by_pupil() -> dict[str, Any] | None:
            page = await _page(classroom, classroom.partner.token)
            return page if page["edited_by"] == pupil.user.id else None

        after = await eventually(edited_by_pupil, within=10)
        assert after["edited_by_name"] == pupil.user.display_name
        assert after["edited_at"] > before["edited_at"]
        assert after["created_at"] == before["created_at"]
        # the project's page list (the teacher desk) shows the same
        async with classroom.world.server.client(classroom.teacher.token) as http:
            listed = await http.get(f"{API}/projects/{classroom.project.id}/pages")
        (row,) = [p for p in listed.json() if p["id"] == classroom.page.id]
        assert row["edited_by"] == pupil.user.id
    finally:
        await client.close()


async def test_a_read_only_connection_never_becomes_the_editor(classroom: Classroom) -> None:
    before = await _page(classroom, classroom.teacher.token)
    guest = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.guest.token
    )
    writer = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.partner.token
    )
    try:
        await guest.sync()
        await writer.sync()
        guest.doc.insert_text(0, "not allowed")  # a guest reads only: dropped by the server
        writer.doc.insert_text(0, "Tiber")

        async def edited_by_partner() -> dict[str, Any] | None:
            page = await _page(classroom, classroom.teacher.token)
            return page if page["edited_by"] == classroom.partner.user.id else None

        after = await eventually(edited_by_partner, within=10)
        assert after["edited_at"] >= before["edited_at"]
    finally:
        await guest.close()
        await writer.close()


async def test_renaming_counts_as_an_edit_but_locking_does_not(classroom: Classroom) -> None:
    async with classroom.world.server.client(classroom.partner.token) as http:
        before = (await http.get(f"{API}/pages/{classroom.page.id}")).json()
    async with classroom.world.server.client(classroom.teacher.token) as http:
        locked = await http.post(f"{API}/pages/{classroom.page.id}/lock")
        assert locked.status_code == 200, locked.text
        after_lock = (await http.get(f"{API}/pages/{classroom.page.id}")).json()
        assert after_lock["edited_at"] == before["edited_at"]
        renamed = await http.patch(f"{API}/pages/{classroom.page.id}", json={"title": "Rivers"})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["edited_at"] > before["edited_at"]
        assert renamed.json()["edited_by"] == classroom.teacher.user.id
