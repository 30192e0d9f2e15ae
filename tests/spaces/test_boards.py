"""Media boards: sections, post kinds, moves, settings, comments and reactions, live."""

from __future__ import annotations

from typing import Any

from tests.spaces.conftest import Room
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person


async def _post(room: Room, person: Person, **body: Any) -> dict[str, Any]:
    async with room.world.client(person) as http:
        response = await http.post(
            f"/api/v1/boards/{room.board.id}/posts", json={"kind": "text", **body}
        )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_sections_posts_and_moves_are_pushed_live(server: LiveServer, room: Room) -> None:
    board_path = f"/api/v1/boards/{room.board.id}"
    async with events(server, room.project.id, room.ben.token, boards=[room.board.id]) as ben:
        async with room.world.client(room.teacher) as http:
            rivers = (await http.post(board_path + "/sections", json={"title": "Rivers"})).json()
            lakes = (await http.post(board_path + "/sections", json={"title": "Lakes"})).json()
        assert (await ben.next("section.created"))["data"]["title"] == "Rivers"
        assert lakes["position"] > rivers["position"]
        first = await _post(room, room.ana, title="Vistula", section_id=rivers["id"])
        second = await _post(room, room.ana, title="Po", section_id=rivers["id"])
        third = await _post(room, room.ben, title="Kemijoki", section_id=lakes["id"])
        created = await ben.collect("post.created", 3)
        assert [e["data"]["title"] for e in created] == ["Vistula", "Po", "Kemijoki"]
        async with room.world.client(room.ana) as http:
            to_top = await http.post(
                f"/api/v1/posts/{second['id']}/move",
                json={"section_id": rivers["id"], "after_id": None},
            )
            across = await http.post(
                f"/api/v1/posts/{first['id']}/move",
                json={"section_id": lakes["id"], "after_id": third["id"]},
            )
            not_mine = await http.post(
                f"/api/v1/posts/{third['id']}/move", json={"section_id": rivers["id"]}
            )
        assert to_top.status_code == across.status_code == 200
        assert not_mine.status_code == 403
        moved = await ben.collect("post.moved", 2)
        assert moved[1]["data"] == {
            "id": first["id"],
            "board_id": room.board.id,
            "section_id": lakes["id"],
            "position": across.json()["position"],
        }
        async with room.world.client(room.ben) as http:
            board = (await http.get(board_path)).json()
        order = sorted(board["posts"], key=lambda p: (p["section_id"], p["position"]))
        assert [(p["section_id"], p["title"]) for p in order] == [
            (rivers["id"], "Po"),
            (lakes["id"], "Kemijoki"),
            (lakes["id"], "Vistula"),
        ]
        assert [s["title"] for s in board["sections"]] == ["Rivers", "Lakes"]
        async with room.world.client(room.teacher) as http:
            assert (await http.delete(f"/api/v1/sections/{rivers['id']}")).status_code == 204
        assert (await ben.next("section.removed"))["data"]["id"] == rivers["id"]
    async with room.world.client(room.ben) as http:
        orphan = (await http.get(f"/api/v1/posts/{second['id']}")).json()
    assert orphan["section_id"] is None


async def test_post_kinds_are_validated(room: Room) -> None:
    path = f"/api/v1/boards/{room.board.id}/posts"
    cases = [
        ({"kind": "link", "title": "x", "url": "javascript:alert(1)"}, 422),
        ({"kind": "link", "title": "x"}, 422),
        ({"kind": "text", "title": "x", "url": "https://example.org"}, 422),
        ({"kind": "text"}, 422),
        ({"kind": "image", "title": "no file"}, 422),
        ({"kind": "image", "media_id": 424242}, 422),
        ({"kind": "text", "title": "x", "section_id": 424242}, 422),
        ({"kind": "poster", "title": "x"}, 422),
        ({"kind": "link", "title": "Rivers atlas", "url": "https://example.org/atlas"}, 201),
    ]
    async with room.world.client(room.ana) as http:
        for body, status in cases:
            response = await http.post(path, json=body)
            assert response.status_code == status, (body, response.text)
    assert response.json()["url"] == "https://example.org/atlas"


async def test_board_settings_decide_who_posts_comments_and_reacts(
    server: LiveServer, room: Room
) -> None:
    board_path = f"/api/v1/boards/{room.board.id}"
    post = await _post(room, room.ana, title="Our river", body="It floods in spring.")
    comments = f"/api/v1/posts/{post['id']}/comments"
    async with events(server, room.project.id, room.ana.token, boards=[room.board.id]) as ana:
        async with room.world.client(room.ben) as http:
            comment = await http.post(comments, json={"text": "Ours too!"})
            reaction = await http.post(
                f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "🌍"}
            )
        assert comment.status_code == 201 and reaction.status_code == 200
        assert (await ana.next("comment.created"))["data"]["text"] == "Ours too!"
        assert (await ana.next("post.reactions"))["data"]["reactions"][0]["emoji"] == "🌍"
        async with room.world.client(room.ana) as http:
            refused = await http.patch(board_path, json={"settings": {"comments": False}})
        assert refused.status_code == 403
        async with room.world.client(room.teacher) as http:
            changed = await http.patch(
                board_path,
                json={
                    "settings": {"comments": False, "reactions": False, "who_may_post": "teachers"}
                },
            )
        assert changed.json()["settings"] == {
            "who_may_post": "teachers",
            "comments": False,
            "reactions": False,
            "approval_required": False,
            "layout": "columns",
        }
        assert (await ana.next("board.updated"))["data"]["settings"]["comments"] is False
    async with room.world.client(room.ben) as http:
        no_comment = await http.post(comments, json={"text": "more"})
        no_reaction = await http.post(f"/api/v1/posts/{post['id']}/reactions", json={"emoji": "🌍"})
        no_post = await http.post(board_path + "/posts", json={"kind": "text", "title": "x"})
        listed = await http.get(comments)
    assert no_comment.status_code == no_reaction.status_code == no_post.status_code == 403
    assert [c["text"] for c in listed.json()] == ["Ours too!"]
    assert (await _post(room, room.teacher, title="Teachers still post"))["status"] == "published"


async def test_deleting_posts_and_comments(server: LiveServer, room: Room) -> None:
    post = await _post(room, room.ana, title="Mine")
    async with room.world.client(room.ben) as http:
        comment = (
            await http.post(f"/api/v1/posts/{post['id']}/comments", json={"text": "nice"})
        ).json()
        assert (await http.delete(f"/api/v1/posts/{post['id']}")).status_code == 403
    async with events(server, room.project.id, room.ben.token, boards=[room.board.id]) as ben:
        async with room.world.client(room.teacher) as http:
            assert (await http.delete(f"/api/v1/comments/{comment['id']}")).status_code == 204
        assert (await ben.next("comment.removed"))["data"]["id"] == comment["id"]
        async with room.world.client(room.ana) as http:
            assert (await http.delete(f"/api/v1/posts/{post['id']}")).status_code == 204
        assert (await ben.next("post.removed"))["data"]["id"] == post["id"]
    async with room.world.client(room.ben) as http:
        board = (await http.get(f"/api/v1/boards/{room.board.id}")).json()
    assert board["posts"][0]["removed"] is True and board["posts"][0]["body"] is None


async def test_teachers_choose_the_layout_and_members_hear_it(
    server: LiveServer, room: Room
) -> None:
    board_path = f"/api/v1/boards/{room.board.id}"
    async with events(server, room.project.id, room.ana.token, boards=[room.board.id]) as ana:
        async with room.world.client(room.ana) as http:
            refused = await http.patch(board_path, json={"settings": {"layout": "wall"}})
        assert refused.status_code == 403
        async with room.world.client(room.teacher) as http:
            for layout in ("wall", "grid", "timeline", "columns"):
                changed = await http.patch(board_path, json={"settings": {"layout": layout}})
                assert changed.status_code == 200, changed.text
                assert changed.json()["settings"]["layout"] == layout
                heard = await ana.next("board.updated")
                assert heard["data"]["settings"]["layout"] == layout
            unknown = await http.patch(board_path, json={"settings": {"layout": "carousel"}})
        assert unknown.status_code == 422
        assert unknown.headers["content-type"].startswith("application/problem+json")
    async with room.world.client(room.ben) as http:
        board = (await http.get(board_path)).json()
    assert board["settings"]["layout"] == "columns"
