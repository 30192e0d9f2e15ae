"""The demo TwinSpace shows the product at work (issue 20, item 6): pages in Polish, Italian and
Finnish, a board with pictures, chat history and a past live session with attendance, all seen
through the API as the demo's own people see them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.server import LiveServer
from twinspace.app.demo import ensure_demo
from twinspace.realtime import crdt

# a few words only a page in that language holds
LANGUAGE_WORDS = {
    "pl": ("Październik", "Czego się nauczymy?", "nazwisk"),
    "it": ("Le parole del nostro progetto", "sorgente", "Parole difficili"),
    "fi": ("Pisa lähtee matkalle", "Näsijärven", "Kuka kirjoittaa"),
}


async def _signed_in(server: LiveServer, demo: dict[str, Any], username: str) -> httpx.AsyncClient:
    account = next(a for a in demo["accounts"] if a["username"] == username)
    async with server.client() as anonymous:
        response = await anonymous.post(
            "/api/v1/session", json={"username": username, "password": account["password"]}
        )
    assert response.status_code == 200, response.text
    return server.client(response.json()["token"])


async def test_the_demo_shows_pages_board_chat_and_a_past_session(server: LiveServer) -> None:
    demo = await ensure_demo(server.services)
    project = demo["project"]
    async with await _signed_in(server, demo, "giulia.it") as pupil:
        # pages: each language has a page of real text, with headings, lists, tables and links
        texts: dict[str, str] = {}
        for page in project["pages"]:
            export = await pupil.get(
                f"/api/v1/pages/{page['id']}/export", params={"format": "html"}
            )
            assert export.status_code == 200
            plain = await pupil.get(f"/api/v1/pages/{page['id']}/export", params={"format": "text"})
            texts[page["title"]] = plain.text
            assert len(plain.text) > 300, page["title"]
            assert "<h2>" in export.text and "<li>" in export.text, page["title"]
        for language, words in LANGUAGE_WORDS.items():
            assert any(all(w in text for w in words) for text in texts.values()), language
        everything = "".join(texts.values())
        assert "<table>" in (await pupil.get("/api/v1/pages/4/export")).text
        assert 'href="https://' in (await pupil.get("/api/v1/pages/1/export")).text
        pages = (await pupil.get(f"/api/v1/projects/{project['id']}/pages")).json()
        assert {p["edited_by_name"] for p in pages} >= {"Anna Nowak", "Zosia", "Giulia", "Eetu"}
        assert "Wisła" in everything and "Tammerkoski" in everything

        # the board: published pictures (stored, with thumbnails) and notes by several people
        board = (await pupil.get(f"/api/v1/boards/{project['boards'][0]['id']}")).json()
        assert board["settings"]["layout"] == "wall"
        images = [p for p in board["posts"] if p["kind"] == "image"]
        assert len(images) >= 3 and len(board["posts"]) >= 5
        assert all(p["status"] == "published" for p in board["posts"])
        assert len({p["author"]["id"] for p in board["posts"]}) >= 5
        for post in images:
            picture = await pupil.get(post["media"]["url"])
            assert picture.status_code == 200
            assert picture.headers["content-type"].startswith("image/")
            assert post["media"]["thumb_url"] and post["media"]["width"] == 640

        # chat history: published messages from all three countries, a thread, reactions
        channel = project["channels"][0]["id"]
        messages = (await pupil.get(f"/api/v1/channels/{channel}/messages")).json()
        assert len(messages) >= 10
        assert all(m["status"] == "published" for m in messages)
        assert any(m["reply_count"] >= 1 for m in messages)
        assert any(m["reactions"] for m in messages)
        assert {"Zosia", "Giulia", "Eetu", "Anna Nowak"} <= {
            m["author"]["display_name"] for m in messages
        }

    # the past live session: ended, attendance recorded for each school
    [session] = project["live_sessions"]
    async with await _signed_in(server, demo, "anna.nowak") as teacher:
        view = (await teacher.get(f"/api/v1/live-sessions/{session['id']}")).json()
        assert view["state"] == "ended"
        attendance = (await teacher.get(f"/api/v1/live-sessions/{session['id']}/attendance")).json()
        assert attendance["final"] is True
        joined = {a["school"]["name"]: a["pupils_joined"] for a in attendance["schools"]}
        schools = ("Szkoła Podstawowa nr 12", "Istituto Comprensivo Bologna 5", "Kalevan koulu")
        assert all(joined.get(school, 0) >= 3 for school in schools), joined
        versions = (await teacher.get(f"/api/v1/pages/{view['page_id']}/versions")).json()
        assert versions, "the session saved its page as a version"

    # seeding again changes nothing
    assert await ensure_demo(server.services) == demo
    count = await server.services.storage.messages.latest_id(channel)
    assert count == len(messages) + sum(m["reply_count"] for m in messages)


def test_demo_pages_are_documents_the_editor_reads() -> None:
    """Each page is a y-prosemirror document: a `default` XML fragment of editor nodes."""
    from twinspace.app import demo_pages
    from twinspace.app.demo_content import _page_update

    engine = crdt.default_engine()
    for spec in (
        demo_pages.welcome(),
        demo_pages.our_rivers("/api/v1/media/1"),
        demo_pages.project_plan(),
        demo_pages.glossary(),
        demo_pages.shared_story(),
    ):
        state = _page_update(spec.content, engine)
        document = crdt.Document(engine)
        document.apply_update(state)
        names = {node.name for node in document.page().fragment}  # type: ignore[union-attr]
        assert names <= {
            "heading",
            "paragraph",
            "bulletList",
            "orderedList",
            "table",
            "blockquote",
            "image",
        }, names
        assert "heading" in names
        assert crdt.plain_text(state).strip()
