"""Chat over HTTP: the §4 contract, history cursors, edits, deletes, threads, reactions,
unread counts and channel management."""

from __future__ import annotations

from typing import Any

from tests.spaces.conftest import Room
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person
from twinspace.types import Role


async def _post(room: Room, person: Person, text: str, **extra: Any) -> dict[str, Any]:
    async with room.world.client(person) as http:
        response = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": text, **extra}
        )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_message_contract_and_listing(room: Room) -> None:
    async with room.world.client(room.ana) as http:
        created = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": "  Cześć from Kraków!  "}
        )
        listed = await http.get(f"/api/v1/channels/{room.channel.id}/messages")
        empty = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": "   "}
        )
        huge = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": "x" * 4001}
        )
        missing = await http.post(f"/api/v1/channels/{room.channel.id}/messages", json={})
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "published" and body["reason"] is None and body["id"] > 0
    assert [m["text"] for m in listed.json()] == ["Cześć from Kraków!"]
    assert empty.status_code == huge.status_code == missing.status_code == 422
    assert missing.headers["content-type"] == "application/problem+json"


async def test_history_pages_with_cursors(room: Room) -> None:
    ids = [(await _post(room, room.ana, f"m{n}"))["id"] for n in range(7)]
    path = f"/api/v1/channels/{room.channel.id}/messages"
    async with room.world.client(room.ben) as http:
        newest = await http.get(path, params={"limit": 3})
        older = await http.get(path, params={"limit": 3, "before": ids[4]})
        newer = await http.get(path, params={"limit": 3, "after": ids[1]})
        bad = await http.get(path, params={"limit": 1000})
    assert [m["id"] for m in newest.json()] == ids[4:]
    assert f"before={ids[4]}" in newest.headers["link"] and 'rel="prev"' in newest.headers["link"]
    assert [m["id"] for m in older.json()] == ids[1:4]
    assert [m["id"] for m in newer.json()] == ids[2:5]
    assert bad.status_code == 422


async def test_edit_and_delete_own_messages_only(server: LiveServer, room: Room) -> None:
    message = await _post(room, room.ana, "helo")
    path = f"/api/v1/messages/{message['id']}"
    async with events(server, room.project.id, room.ben.token, channels=[room.channel.id]) as ben:
        async with room.world.client(room.ben) as http:
            assert (await http.patch(path, json={"text": "hacked"})).status_code == 403
            assert (await http.delete(path)).status_code == 403
        async with room.world.client(room.ana) as http:
            edited = await http.patch(path, json={"text": "hello"})
            assert edited.json()["text"] == "hello" and edited.json()["edited_at"]
            assert (await ben.next("message.updated"))["data"]["text"] == "hello"
            assert (await http.delete(path)).status_code == 204
            assert (await http.patch(path, json={"text": "again"})).status_code == 409
        removed = await ben.next("message.removed")
        assert removed["data"]["id"] == message["id"] and "text" not in removed["data"]
    async with room.world.client(room.ben) as http:
        placeholder = (await http.get(path)).json()
    async with room.world.client(room.teacher) as http:
        tombstone = (await http.get(path)).json()
    assert placeholder["removed"] is True and placeholder["text"] is None
    assert tombstone["status"] == "deleted" and tombstone["text"] == "hello"


async def test_replies_go_one_level_deep(room: Room) -> None:
    root = await _post(room, room.ana, "What is your river called?")
    reply = await _post(room, room.ben, "The Vistula", parent_id=root["id"])
    async with room.world.client(room.teacher) as http:
        deeper = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages",
            json={"text": "nested", "parent_id": reply["id"]},
        )
        top = (await http.get(f"/api/v1/channels/{room.channel.id}/messages")).json()
        replies = (await http.get(f"/api/v1/messages/{root['id']}/replies")).json()
    other = await room.world.channel(room.project, room.teacher)
    async with room.world.client(room.teacher) as http:
        elsewhere = await http.post(
            f"/api/v1/channels/{other.id}/messages", json={"text": "x", "parent_id": root["id"]}
        )
    assert deeper.status_code == 422 and deeper.json()["rule"] == "thread-depth"
    assert [m["id"] for m in top] == [root["id"]] and top[0]["reply_count"] == 1
    assert [m["id"] for m in replies] == [reply["id"]]
    assert elsewhere.status_code == 404


async def test_reactions_toggle_from_the_offered_set(server: LiveServer, room: Room) -> None:
    message = await _post(room, room.teacher, "Welcome!")
    path = f"/api/v1/messages/{message['id']}/reactions"
    guest = (await room.world.pupils(room.partner, 1))[0]
    await room.world.join(room.project, guest, Role.GUEST)
    async with events(
        server, room.project.id, room.teacher.token, channels=[room.channel.id]
    ) as teacher:
        async with room.world.client(room.ana) as http:
            added = await http.post(path, json={"emoji": "👍"})
            rude = await http.post(path, json={"emoji": "🖕"})
        async with room.world.client(room.ben) as http:
            await http.post(path, json={"emoji": "👍"})
        async with room.world.client(room.ana) as http:
            toggled = await http.post(path, json={"emoji": "👍"})
        async with room.world.client(guest) as http:
            guest_react = await http.post(path, json={"emoji": "👍"})
            guest_read = await http.get(f"/api/v1/channels/{room.channel.id}/messages")
        pushed = await teacher.collect("message.reactions", 3)
    assert added.json() == [{"emoji": "👍", "count": 1, "user_ids": [room.ana.id]}]
    assert rude.status_code == 422 and "👍" in rude.json()["allowed"]
    assert toggled.json() == [{"emoji": "👍", "count": 1, "user_ids": [room.ben.id]}]
    assert pushed[-1]["data"]["reactions"] == toggled.json()
    assert guest_react.status_code == 403 and guest_read.status_code == 200


async def test_unread_counts_per_member(room: Room) -> None:
    first = await _post(room, room.ana, "one")
    await _post(room, room.ana, "two")
    async with room.world.client(room.ben) as http:
        before = (await http.get(f"/api/v1/projects/{room.project.id}/unread")).json()
        partly = await http.post(
            f"/api/v1/channels/{room.channel.id}/read", json={"message_id": first["id"]}
        )
        fully = await http.post(f"/api/v1/channels/{room.channel.id}/read")
        after = (await http.get(f"/api/v1/projects/{room.project.id}/unread")).json()
    async with room.world.client(room.ana) as http:
        own = (await http.get(f"/api/v1/projects/{room.project.id}/unread")).json()
    assert before["total"] == 2
    assert before["channels"] == [
        {"channel_id": room.channel.id, "unread": 2, "last_read_message_id": 0}
    ]
    assert partly.json()["unread"] == 1 and fully.json()["unread"] == 0
    assert after["total"] == 0 and own["total"] == 0


async def test_teachers_rename_and_archive_channels(server: LiveServer, room: Room) -> None:
    path = f"/api/v1/channels/{room.channel.id}"
    async with events(server, room.project.id, room.ana.token) as ana:
        async with room.world.client(room.ana) as http:
            assert (await http.patch(path, json={"name": "mine"})).status_code == 403
            assert (await http.post(path + "/archive")).status_code == 403
        async with room.world.client(room.teacher) as http:
            renamed = await http.patch(path, json={"name": "rivers"})
            archived = await http.post(path + "/archive")
        assert renamed.json()["name"] == "rivers" and archived.json()["archived"] is True
        update = await ana.next("channel.updated", where=lambda e: e["data"]["archived"])
        assert update["data"]["name"] == "rivers"
        async with room.world.client(room.ana) as http:
            refused = await http.post(path + "/messages", json={"text": "hello?"})
            readable = await http.get(path + "/messages")
        assert refused.status_code == 403 and "archived" in refused.json()["detail"]
        assert readable.status_code == 200
        async with room.world.client(room.teacher) as http:
            assert (await http.delete(path + "/archive")).json()["archived"] is False
        assert (await _post(room, room.ana, "open again"))["status"] == "published"
