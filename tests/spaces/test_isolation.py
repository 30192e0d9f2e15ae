"""A member of another project gets 404 on every channel, board and media URL (never 403)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from tests.spaces.conftest import Room
from tests.spaces.test_media import jpeg_with_gps, upload
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person
from twinspace.face.http import boards, chat, media
from twinspace.realtime import close_codes

# A valid body for every request model, so only the access check can refuse.
EXAMPLES: dict[str, Any] = {"text": "x", "name": "x", "title": "x", "emoji": "👍", "kind": "text"}


def valid_body(model: type[BaseModel] | None) -> dict[str, Any] | None:
    if model is None:
        return None
    return {name: EXAMPLES[name] for name in model.model_fields if name in EXAMPLES}


async def _ids(room: Room) -> dict[str, int]:
    uploaded = (await upload(room, room.ana, "a.jpg", jpeg_with_gps(), "image/jpeg")).json()
    async with room.world.client(room.ana) as http:
        message = (
            await http.post(f"/api/v1/channels/{room.channel.id}/messages", json={"text": "hi"})
        ).json()
        post = (
            await http.post(
                f"/api/v1/boards/{room.board.id}/posts",
                json={"kind": "image", "title": "x", "media_id": uploaded["id"]},
            )
        ).json()
        comment = (
            await http.post(f"/api/v1/posts/{post['id']}/comments", json={"text": "nice"})
        ).json()
    async with room.world.client(room.teacher) as http:
        section = (
            await http.post(f"/api/v1/boards/{room.board.id}/sections", json={"title": "Rivers"})
        ).json()
    return {
        "project_id": room.project.id,
        "channel_id": room.channel.id,
        "board_id": room.board.id,
        "message_id": message["id"],
        "post_id": post["id"],
        "comment_id": comment["id"],
        "section_id": section["id"],
        "media_id": uploaded["id"],
    }


async def test_every_url_is_404_for_another_projects_member(
    server: LiveServer, room: Room, outsider: Person
) -> None:
    ids = await _ids(room)
    endpoints = [
        e for router in (chat.router, boards.router, media.router) for e in router.endpoints
    ]
    assert len(endpoints) >= 30
    checked = []
    async with room.world.client(outsider) as http:
        for endpoint in endpoints:
            path = re.sub(r"{(\w+):id}", lambda m: str(ids[m.group(1)]), endpoint.full_path)
            if endpoint.raw_body:
                response = await http.post(path, files={"file": ("a.txt", b"hi", "text/plain")})
            else:
                response = await http.request(endpoint.method, path, json=valid_body(endpoint.body))
            assert response.status_code == 404, (endpoint.method, path, response.text)
            checked.append(path)
        for path in (f"/media/{ids['media_id']}", f"/media/{ids['media_id']}/thumb"):
            assert (await http.get(path)).status_code == 404, path
    async with room.world.client(room.ben) as http:
        assert (await http.get(f"/media/{ids['media_id']}")).status_code == 200
        assert (await http.get(f"/media/{ids['media_id']}/thumb")).status_code == 200
    async with room.world.client() as anonymous:
        assert (await anonymous.get(f"/media/{ids['media_id']}")).status_code == 401
    async with events(server, room.project.id, outsider.token, hello=False) as socket:
        assert await socket.closed_with() == close_codes.UNKNOWN_ROOM
    assert len(checked) == len(endpoints)
