"""Page history cannot fill the disk: budgets, versions only on change, thinning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.storage.documents import StoredVersion
from twinspace.workspace.version_history import thinned

PAGE_BUDGET = 600_000
PROJECT_BUDGET = 1_000_000
BIG = 150_000  # characters: a big page (the attack used 16 MB against the default budgets)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "version_interval_seconds": 1,
        "version_page_budget_bytes": PAGE_BUDGET,
        "version_project_budget_bytes": PROJECT_BUDGET,
    }


async def _visit(classroom: Classroom, *edits: tuple[str, int, str]) -> None:
    """A pupil opens the page, makes `edits` ("insert", at, text) or ("delete", at, length),
    leaves, and the room unloads."""
    client = await YClient.connect(
        classroom.world.server.ws_url, classroom.page.room, token=classroom.pupils[0].token
    )
    await client.sync()
    for op, at, value in edits:
        if op == "insert":
            client.doc.insert_text(at, value)
        else:
            client.doc.delete_text(at, len(value))
    await eventually(lambda: not client._sending)
    await client.close()
    rooms = classroom.services.documents.rooms
    await eventually(lambda: rooms.stats()["rooms"] == 0)


async def _versions(classroom: Classroom) -> list[dict[str, Any]]:
    async with classroom.world.client(classroom.teacher) as http:
        response = await http.get(
            f"/api/v1/pages/{classroom.page.id}/versions", params={"limit": 100}
        )
    assert response.status_code == 200
    versions: list[dict[str, Any]] = response.json()
    return versions


async def _written(classroom: Classroom) -> None:
    documents = classroom.services.documents
    await eventually(lambda: documents.pending_auto_versions == 0, within=20)


async def test_unload_loop_on_a_big_page_stays_within_the_budgets(classroom: Classroom) -> None:
    storage = classroom.services.storage.documents
    await _visit(classroom, ("insert", 0, "x" * BIG))
    for n in range(14):
        await _visit(classroom, ("insert", 0, f"edit {n:02} "))
        page_bytes = await storage.version_bytes(page_id=classroom.page.id)
        assert page_bytes <= PAGE_BUDGET, f"visit {n}: {page_bytes} bytes of versions"
    await _written(classroom)
    assert await storage.version_bytes(page_id=classroom.page.id) <= PAGE_BUDGET
    assert await storage.version_bytes(project_id=classroom.project.id) <= PROJECT_BUDGET
    # the newest content is in the history all the same
    newest = (await _versions(classroom))[0]
    async with classroom.world.client(classroom.teacher) as http:
        shown = await http.get(f"/api/v1/pages/{classroom.page.id}/versions/{newest['id']}")
    assert shown.json()["text"].startswith("edit 13 ")


async def test_no_automatic_version_when_the_content_did_not_change(
    classroom: Classroom,
) -> None:
    await _visit(classroom, ("insert", 0, "The Vistula flows north."))
    await _written(classroom)
    before = await _versions(classroom)
    assert [v["kind"] for v in before] == ["auto"]
    for _ in range(5):  # typed and taken back, or just opened: the page shows the same
        await _visit(classroom, ("insert", 0, "oops "), ("delete", 0, "oops "))
        await _written(classroom)
    assert await _versions(classroom) == before


@pytest.mark.parametrize(
    "settings_overrides", [{"version_page_budget_bytes": 250_000, "version_interval_seconds": 1}]
)
async def test_named_version_over_the_budget_is_a_clear_problem(classroom: Classroom) -> None:
    await _visit(classroom, ("insert", 0, "y" * 100_000))
    await _written(classroom)
    assert [v["kind"] for v in await _versions(classroom)] == ["auto"]
    url = f"/api/v1/pages/{classroom.page.id}/versions"
    async with classroom.world.client(classroom.teacher) as http:
        first = await http.post(url, json={"name": "draft 1"})
        second = await http.post(url, json={"name": "draft 2"})
        refused = await http.post(url, json={"name": "draft 3"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert refused.status_code == 413
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "/problems/version-budget"
    assert problem["scope"] == "page" and problem["budget_bytes"] == 250_000
    assert "full" in problem["detail"]
    # the automatic version made room for the named ones; named versions are never dropped
    kinds = [v["kind"] for v in await _versions(classroom)]
    assert kinds == ["named", "named"]
    # a teacher makes room by deleting a version; pupils may not
    async with classroom.world.client(classroom.pupils[0]) as http:
        assert (await http.delete(f"{url}/{first.json()['id']}")).status_code == 403
    async with classroom.world.client(classroom.teacher) as http:
        assert (await http.delete(f"{url}/{first.json()['id']}")).status_code == 204
        assert (await http.delete(f"{url}/{first.json()['id']}")).status_code == 404
        assert (await http.post(url, json={"name": "draft 3"})).status_code == 201


def test_thinning_keeps_fewer_versions_the_older_they_are() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    every_ten_minutes = [
        StoredVersion(n, 1, 10, now - timedelta(minutes=10 * n)) for n in range(0, 6 * 24 * 60)
    ]  # sixty days of an automatic version every ten minutes
    dropped = set(thinned(every_ten_minutes, now))
    kept = [v for v in every_ten_minutes if v.id not in dropped]
    ages = [now - v.created_at for v in kept]
    assert sum(a < timedelta(hours=1) for a in ages) == 6  # all of the last hour
    hourly = [a for a in ages if timedelta(hours=1) <= a < timedelta(days=1)]
    assert 22 <= len(hourly) <= 24  # one an hour
    daily = [a for a in ages if timedelta(days=1) <= a < timedelta(days=30)]
    assert 28 <= len(daily) <= 30  # one a day
    weekly = [a for a in ages if a >= timedelta(days=30)]
    assert 4 <= len(weekly) <= 6  # one a week
    assert len(kept) < 70 < len(every_ten_minutes)
    assert set(thinned(kept, now)) == set()  # thinning again changes nothing
