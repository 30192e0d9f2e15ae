"""Page scanning after edits settle; a pupil's export, erasure and retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.moderation.conftest import School
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.clock import to_iso, utcnow
from twinspace.types import ProjectState


async def test_page_findings_are_flagged_with_their_location(school: School) -> None:
    async with school.client(school.teacher) as http:
        page = (
            await http.post(f"/api/v1/projects/{school.project.id}/pages", json={"title": "Rivers"})
        ).json()
    client = await YClient.connect(
        school.world.server.ws_url, page["room"], token=school.pupil.token
    )
    await client.sync()
    text = "Our river is long.\nWrite me: zosia@example.com or +48 601 234 567"
    client.doc.insert_text(0, text)

    async def page_entries() -> list[dict[str, Any]]:
        return [e for e in await school.queue() if e["origin"] == "page_scan"]

    [entry] = await eventually(page_entries, within=15)
    assert entry["item_kind"] == "page" and entry["item_id"] == page["id"]
    flags = {f["category"]: f for f in entry["flags"]}
    assert set(flags) == {"email", "phone"}
    assert flags["email"]["location"]["line"] == 2
    assert text.split("\n")[1][flags["email"]["location"]["column"] - 1 :].startswith("zosia@")
    # the same findings are not flagged twice; a new one is
    client.doc.insert_text(len(text), " and kurwa")

    async def two_entries() -> list[dict[str, Any]]:
        found = await page_entries()
        return found if len(found) >= 2 else []

    newest = (await eventually(two_entries, within=15))[0]
    assert [f["category"] for f in newest["flags"]] == ["offensive"]
    stored = await school.world.services.documents.plain_text(page["room"])
    assert "kurwa" in stored and "zosia@example.com" in stored, "nothing is changed silently"
    await client.close()


async def test_export_a_pupils_data(school: School) -> None:
    await school.post(school.pupil, "my first message")
    async with school.client(school.teacher) as http:
        response = await http.get(f"/api/v1/pupils/{school.pupil.id}/export")
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["id"] == school.pupil.id and "password" not in str(data)
    assert [c["text"] for c in data["content"]] == ["my first message"]
    assert data["projects"][0]["id"] == school.project.id
    async with school.client(school.partner) as http:  # another school's teacher
        assert (await http.get(f"/api/v1/pupils/{school.pupil.id}/export")).status_code == 404


async def test_erase_a_pupil_anonymising_their_content(school: School) -> None:
    await school.post(school.pupil, "kept without my name")
    async with school.client(school.teacher) as http:
        assert (
            await http.delete(f"/api/v1/pupils/{school.pupil.id}", params={"content": "anonymise"})
        ).status_code == 204
    async with school.client(school.pupil) as http:
        assert (await http.get("/api/v1/me")).status_code == 401
    async with school.client(school.classmate) as http:
        messages = (await http.get(f"/api/v1/channels/{school.channel.id}/messages")).json()
    assert messages[0]["text"] == "kept without my name" and messages[0]["author"] is None
    assert await school.world.storage.users.get(school.pupil.id) is None
    assert "pupil_erased" in await school.audit_actions()


async def test_erase_a_pupil_deleting_their_content(school: School) -> None:
    secret = "my address is ul. Długa 5, Kraków"
    await school.post(school.pupil, secret)
    await school.post(school.pupil, "bye")
    async with school.client(school.teacher) as http:
        assert (
            await http.delete(f"/api/v1/pupils/{school.pupil.id}", params={"content": "delete"})
        ).status_code == 204
    texts = await school.visible_texts(school.teacher)
    assert secret not in texts and "bye" not in texts
    rows = await school.world.storage.executor.fetch_all("SELECT text FROM messages")
    assert all(row["text"] == "" for row in rows)
    queue = await school.queue(state="all")
    assert all(secret not in e["excerpt"] for e in queue)
    async with school.client(school.teacher) as http:
        audit = (await http.get(f"/api/v1/projects/{school.project.id}/audit.csv")).text
    assert "pupil_erased" in audit and "Długa" not in audit


async def test_retention_removes_pupils_after_their_projects_close(school: School) -> None:
    services = school.world.services
    async with school.client(school.teacher) as http:
        assert (
            await http.post(f"/api/v1/projects/{school.project.id}/state", json={"state": "closed"})
        ).status_code == 200
    assert await services.moderation.privacy.apply_retention() == 0, "closed only just now"
    long_ago = to_iso(utcnow() - timedelta(days=services.settings.pupil_retention_days + 1))
    await services.storage.executor.execute(
        "UPDATE projects SET state_changed_at = ? WHERE id = ?", (long_ago, school.project.id)
    )
    assert await services.moderation.privacy.apply_retention() == 3
    for pupil in (school.pupil, school.classmate, school.finn):
        assert await services.storage.users.get(pupil.id) is None
    assert await services.storage.users.get(school.teacher.id) is not None
    project = await services.storage.projects.get(school.project.id)
    assert project is not None and project.state is ProjectState.CLOSED
