"""The teachers' desk: reports live, hide and restore, a pupil's activity, the audit log."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Sequence

import psycopg
import pytest
from PIL import Image

from tests.moderation.conftest import School
from tests.support.events import events
from twinspace.moderation.filters import ImageFinding, classifier_registry


async def test_a_report_reaches_the_projects_teachers_live(school: School) -> None:
    message = (await school.post(school.classmate, "you are so slow")).json()
    async with (
        events(school.world.server, school.project.id, school.teacher.token) as teacher,
        events(school.world.server, school.project.id, school.partner.token) as partner,
        events(school.world.server, school.project.id, school.finn.token) as pupil,
    ):
        async with school.client(school.pupil) as http:
            reported = await http.post(
                f"/api/v1/projects/{school.project.id}/reports",
                json={"item_kind": "message", "item_id": message["id"], "reason": "rude to me"},
            )
            assert reported.status_code == 201
            again = await http.post(
                f"/api/v1/projects/{school.project.id}/reports",
                json={"item_kind": "message", "item_id": message["id"], "reason": "again"},
            )
            assert again.status_code == 409
        for socket in (teacher, partner):
            notice = await socket.next(
                "moderation.notice", where=lambda e: e["data"]["kind"] == "report"
            )
            assert notice["data"]["item_id"] == message["id"]
            assert notice["data"]["reason"] == "rude to me"
        assert await pupil.nothing_more("moderation.notice")
    [entry] = await school.queue()
    assert entry["origin"] == "report" and entry["item"]["text"] == "you are so slow"
    async with school.client(school.teacher) as http:
        hidden = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/queue/{entry['id']}/hide",
            json={"reason": "unkind"},
        )
    assert hidden.status_code == 200
    assert "you are so slow" not in await school.visible_texts(school.pupil)
    async with school.client(school.teacher) as http:
        restored = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/items/"
            f"message/{message['id']}/restore",
            json={"reason": "ok"},
        )
    assert restored.status_code == 200
    assert "you are so slow" in await school.visible_texts(school.pupil)
    assert {"report", "hide", "restore"} <= set(await school.audit_actions())


async def test_items_of_other_projects_cannot_be_reported_or_moderated(school: School) -> None:
    other_project, other_teacher, _ = await school.world.european_project()
    channel = await school.world.channel(other_project, other_teacher)
    async with school.client(other_teacher) as http:
        foreign = (
            await http.post(f"/api/v1/channels/{channel.id}/messages", json={"text": "elsewhere"})
        ).json()
    async with school.client(school.teacher) as http:
        report = await http.post(
            f"/api/v1/projects/{school.project.id}/reports",
            json={"item_kind": "message", "item_id": foreign["id"], "reason": "x"},
        )
        hide = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/items/message/{foreign['id']}/hide",
            json={},
        )
        bad_kind = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/items/secret/1/hide", json={}
        )
    assert report.status_code == hide.status_code == bad_kind.status_code == 404
    async with school.client(school.pupil) as http:
        queue = await http.get(f"/api/v1/projects/{school.project.id}/moderation/queue")
        decide = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/items/message/{foreign['id']}/hide",
            json={},
        )
    assert queue.status_code == 403 and decide.status_code == 403


async def test_a_pupils_recent_activity_across_the_project(school: School) -> None:
    await school.post(school.pupil, "first message")
    await school.post(school.pupil, "my number is 601 234 567")
    async with school.client(school.pupil) as http:
        post = await http.post(
            f"/api/v1/boards/{school.board.id}/posts",
            json={"kind": "text", "title": "Our river", "body": "the Vistula"},
        )
        assert post.status_code == 201
    async with school.client(school.teacher) as http:
        response = await http.get(
            f"/api/v1/projects/{school.project.id}/members/{school.pupil.id}/activity"
        )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["kind"] for i in items] == ["post", "message", "message"]
    assert items[1]["status"] == "held"
    async with school.client(school.classmate) as http:
        assert (
            await http.get(
                f"/api/v1/projects/{school.project.id}/members/{school.pupil.id}/activity"
            )
        ).status_code == 403


async def test_audit_log_is_append_only_and_exports_csv(school: School) -> None:
    await school.post(school.pupil, "write to me at zosia@example.com")
    async with school.client(school.teacher) as http:
        page = await http.post(
            f"/api/v1/projects/{school.project.id}/pages", json={"title": "Notes"}
        )
        assert (await http.post(f"/api/v1/pages/{page.json()['id']}/lock")).status_code == 200
        exported = await http.get(f"/api/v1/projects/{school.project.id}/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    actions = [row["action"] for row in rows]
    assert "held" in actions and "page_locked" in actions
    held = next(row for row in rows if row["action"] == "held")
    assert held["actor_name"] == "TwinSpaces (automatic)"
    assert "zosia@example.com" not in exported.text, "the audit keeps actions, not content"
    settings = school.world.services.settings
    if settings.database_url:  # PostgreSQL: the same triggers, written for it
        for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
            with (
                psycopg.connect(settings.database_url, autocommit=True) as pg,
                pytest.raises(psycopg.IntegrityError, match="append-only"),
            ):
                pg.execute(statement)
    else:
        path = settings.database_path
        with (
            sqlite3.connect(path) as raw,
            pytest.raises(sqlite3.IntegrityError, match="append-only"),
        ):
            raw.execute("UPDATE audit_log SET reason = 'x'")
        with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
            raw.execute("DELETE FROM audit_log")
    async with school.client(school.partner) as http:  # founders read it
        assert (await http.get(f"/api/v1/projects/{school.project.id}/audit")).status_code == 200
    from twinspace.types import Role

    plain_teacher = await school.world.teacher("PL")
    await school.world.join(school.project, plain_teacher, Role.TEACHER)
    async with school.client(plain_teacher) as http:
        assert (await http.get(f"/api/v1/projects/{school.project.id}/audit")).status_code == 403


class FlagEverything:
    name = "test-classifier"

    def classify(self, image: Image.Image) -> Sequence[ImageFinding]:
        return [ImageFinding(self.name, "nudity", 0.99, "looks unsafe (test)")]


async def test_image_classifier_findings_hold_the_upload(school: School) -> None:
    image = Image.new("RGB", (40, 30), "orange")
    out = io.BytesIO()
    image.save(out, "PNG")
    classifier_registry.register(FlagEverything())
    try:
        async with school.client(school.pupil) as http:
            uploaded = await http.post(
                f"/api/v1/boards/{school.board.id}/media",
                files={"file": ("a.png", out.getvalue(), "image/png")},
            )
    finally:
        classifier_registry.unregister(FlagEverything.name)
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["status"] == "held"
    [entry] = await school.queue()
    assert entry["item_kind"] == "upload" and entry["flags"][0]["category"] == "nudity"
