"""Versions, restore into the live document, and export."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.node import Peer

FIRST = [
    {
        "type": "heading",
        "attrs": {"level": 2},
        "content": [{"type": "text", "text": "The Vistula"}],
    },
    {
        "type": "paragraph",
        "content": [
            {"type": "text", "text": "It flows through "},
            {"type": "text", "text": "Kraków", "marks": [{"type": "bold"}]},
            {"type": "text", "text": "."},
        ],
    },
]
SECOND = [{"type": "paragraph", "content": [{"type": "text", "text": "vandalised"}]}]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"version_interval_seconds": 1}


async def _peer(classroom: Classroom, token: str) -> Peer:
    peer = await Peer.start(classroom.url(), classroom.page.room, token=token)
    await peer.wait_synced()
    return peer


async def test_named_version_view_and_restore_reaches_every_client(classroom: Classroom) -> None:
    page_id = classroom.page.id
    teacher = await _peer(classroom, classroom.teacher.token)
    pupil = await _peer(classroom, classroom.pupils[0].token)
    try:
        await teacher.op({"op": "setContent", "content": FIRST})
        await pupil.wait_state(lambda s: "Vistula" in s["xml"])
        async with classroom.world.client(classroom.teacher) as http:
            named = await http.post(
                f"/api/v1/pages/{page_id}/versions", json={"name": "first draft"}
            )
            assert named.status_code == 201
            version_id = named.json()["id"]
            await pupil.op({"op": "setContent", "content": SECOND})
            await teacher.wait_state(lambda s: "vandalised" in s["xml"])
            shown = (await http.get(f"/api/v1/pages/{page_id}/versions/{version_id}")).json()
            assert shown["text"].splitlines() == ["The Vistula", "It flows through Kraków."]
            assert "<h2>The Vistula</h2>" in shown["html"]
            assert "<strong>Kraków</strong>" in shown["html"]
            restored = await http.post(f"/api/v1/pages/{page_id}/versions/{version_id}/restore")
            assert restored.status_code == 200
            assert restored.json()["kind"] == "before_restore"
        for peer in (teacher, pupil):
            state = await peer.wait_state(
                lambda s: "Vistula" in s["xml"] and "vandalised" not in s["xml"]
            )
            assert "<bold>Kraków</bold>" in state["xml"]
        # the version saved before the restore holds the vandalised text: undoable
        async with classroom.world.client(classroom.teacher) as http:
            before = (
                await http.get(f"/api/v1/pages/{page_id}/versions/{restored.json()['id']}")
            ).json()
        assert before["text"] == "vandalised"
    finally:
        await teacher.close()
        await pupil.close()


async def test_pupils_cannot_name_or_restore_versions(classroom: Classroom) -> None:
    async with classroom.world.client(classroom.teacher) as http:
        version = (
            await http.post(f"/api/v1/pages/{classroom.page.id}/versions", json={"name": "v"})
        ).json()
    async with classroom.world.client(classroom.pupils[0]) as http:
        assert (
            await http.post(f"/api/v1/pages/{classroom.page.id}/versions", json={"name": "mine"})
        ).status_code == 403
        assert (
            await http.post(f"/api/v1/pages/{classroom.page.id}/versions/{version['id']}/restore")
        ).status_code == 403
        assert (await http.get(f"/api/v1/pages/{classroom.page.id}/versions")).status_code == 200
    outsider = await classroom.world.teacher("DE")
    async with classroom.world.client(outsider) as http:
        assert (await http.get(f"/api/v1/pages/{classroom.page.id}/versions")).status_code == 404
        assert (await http.get(f"/api/v1/pages/{classroom.page.id}/export")).status_code == 404


async def test_automatic_versions_while_editing(classroom: Classroom) -> None:
    peer = await _peer(classroom, classroom.teacher.token)
    try:
        await peer.op({"op": "setContent", "content": FIRST})
        async with classroom.world.client(classroom.teacher) as http, asyncio.timeout(20):
            while True:
                versions = (await http.get(f"/api/v1/pages/{classroom.page.id}/versions")).json()
                if any(v["kind"] == "auto" for v in versions):
                    break
                await asyncio.sleep(0.2)
    finally:
        await peer.close()


async def test_export_is_sanitised(classroom: Classroom) -> None:
    hostile = [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "<script>alert(1)</script> click "},
                {
                    "type": "text",
                    "text": "here",
                    "marks": [{"type": "link", "attrs": {"href": "javascript:alert(2)"}}],
                },
                {"type": "text", "text": " or "},
                {
                    "type": "text",
                    "text": "there",
                    "marks": [{"type": "link", "attrs": {"href": "https://europa.eu/"}}],
                },
            ],
        },
        {"type": "image", "attrs": {"src": "javascript:alert(3)", "alt": "x"}},
    ]
    peer = await _peer(classroom, classroom.teacher.token)
    try:
        await peer.op({"op": "setContent", "content": hostile})
        await asyncio.sleep(0)
        async with classroom.world.client(classroom.pupils[0]) as http, asyncio.timeout(10):
            while True:
                text = await http.get(
                    f"/api/v1/pages/{classroom.page.id}/export", params={"format": "text"}
                )
                if "there" in text.text:
                    break
            html = await http.get(f"/api/v1/pages/{classroom.page.id}/export")
    finally:
        await peer.close()
    assert text.headers["content-type"].startswith("text/plain")
    assert "attachment" in text.headers["content-disposition"]
    assert "<script>alert(1)</script>" in text.text, "plain text keeps what was typed"
    body = html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "<script>" not in body and "javascript:" not in body
    assert "&lt;script&gt;" in body
    assert 'href="https://europa.eu/"' in body
    assert "<title>Our rivers</title>" in body
