"""The project events socket with real websocket clients: order, resume, audiences, presence."""

from __future__ import annotations

from typing import Any

import pytest

from tests.spaces.conftest import Room
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person
from twinspace.moderation.model import ItemKind, ItemStatus
from twinspace.realtime import close_codes
from twinspace.types import ChannelKind, Role


async def _say(
    room: Room, person: Person, text: str, channel_id: int | None = None
) -> dict[str, Any]:
    async with room.world.client(person) as http:
        response = await http.post(
            f"/api/v1/channels/{channel_id or room.channel.id}/messages", json={"text": text}
        )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_two_pupils_and_a_teacher_see_each_others_messages_in_order(
    server: LiveServer, room: Room
) -> None:
    people = [room.ana, room.ben, room.teacher]
    channel = [room.channel.id]
    async with (
        events(server, room.project.id, room.ana.token, channels=channel) as ana,
        events(server, room.project.id, room.ben.token, channels=channel) as ben,
        events(server, room.project.id, room.teacher.token, channels=channel) as teacher,
    ):
        sent = []
        for turn in range(2):
            for person in people:
                text = f"{person.user.display_name} says hello #{turn}"
                sent.append((await _say(room, person, text))["id"])
        for client in (ana, ben, teacher):
            received = await client.collect("message.created", len(sent))
            assert [e["data"]["id"] for e in received] == sent
            assert [e["data"]["author"]["id"] for e in received] == [p.id for p in people] * 2
            for event in received:
                assert event["v"] == 1 and event["ts"].endswith("Z") and event["id"]
            seqs = [int(e["id"].rsplit("-", 1)[1]) for e in received]
            assert seqs == sorted(seqs)


async def test_a_reconnecting_client_receives_what_it_missed(
    server: LiveServer, room: Room
) -> None:
    channel = [room.channel.id]
    async with events(server, room.project.id, room.ana.token, channels=channel) as ana:
        await _say(room, room.teacher, "before the tunnel")
        await ana.next("message.created")
        last_seen = ana.last_id
    missed = [
        (await _say(room, person, f"missed {n}"))["id"]
        for n, person in enumerate([room.ben, room.teacher, room.ben])
    ]
    async with events(
        server, room.project.id, room.ana.token, since=last_seen, channels=channel, hello=False
    ) as ana:
        hello = await ana.next("hello")
        assert hello["data"]["resumed"] is True and hello["data"]["replayed"] == 3
        replayed = await ana.collect("message.created", 3)
        assert [e["data"]["id"] for e in replayed] == missed
        live = await _say(room, room.ben, "and now live")
        assert (await ana.next("message.created"))["data"]["id"] == live["id"]


@pytest.mark.parametrize("settings_overrides", [{"events_replay_events": 2}])
async def test_too_old_or_foreign_ids_get_a_reload_signal(server: LiveServer, room: Room) -> None:
    channel = [room.channel.id]
    async with events(server, room.project.id, room.ana.token, channels=channel) as ana:
        first = await _say(room, room.ben, "one")
        await ana.next("message.created")
        too_old = ana.last_id
        epoch = too_old.rsplit("-", 1)[0]
    for n in range(3):
        await _say(room, room.ben, f"more {n}")
    cases = {
        too_old: "too-old",
        "0000-1": "restarted",
        "garbage": "unknown-id",
        f"{epoch}-999999": "unknown-id",
    }
    for since, reason in cases.items():
        async with events(
            server, room.project.id, room.ana.token, since=since, channels=channel, hello=False
        ) as ana:
            hello = await ana.next("hello")
            assert hello["data"]["resumed"] is False
            assert (await ana.next("reload"))["data"]["reason"] == reason
            assert not any(
                e["type"] == "message.created" and e["data"]["id"] == first["id"] for e in ana.seen
            )


async def test_pupils_never_see_staff_rooms_or_other_classes(
    server: LiveServer, room: Room
) -> None:
    world = room.world
    staff = await world.channel(room.project, room.teacher, kind=ChannelKind.STAFF)
    other_class = await world.school_class(room.partner)
    class_channel = await world.channel(
        room.project, room.partner, kind=ChannelKind.CLASS, class_id=other_class.id
    )
    own_class = await world.channel(
        room.project, room.teacher, kind=ChannelKind.CLASS, class_id=room.school_class.id
    )
    hidden = [staff.id, class_channel.id]
    async with (
        events(server, room.project.id, room.ana.token, channels=[*hidden, own_class.id]) as ana,
        events(server, room.project.id, room.partner.token, channels=hidden) as partner,
    ):
        hello = ana.seen[0]["data"]
        assert hello["subscriptions"]["channels"] == [own_class.id]
        assert sorted(hello["not_found"]["channels"]) == sorted(hidden)
        await _say(room, room.teacher, "staff only", staff.id)
        await _say(room, room.partner, "for the other class", class_channel.id)
        await partner.collect("message.created", 2)
        assert await ana.nothing_more("message.created")
        async with world.client(room.teacher) as http:
            await http.patch(f"/api/v1/channels/{staff.id}", json={"name": "exam marks"})
            await http.patch(f"/api/v1/channels/{own_class.id}", json={"name": "6B"})
        assert (await partner.next("channel.updated"))["data"]["name"] == "exam marks"
        assert (await ana.next("channel.updated"))["data"]["name"] == "6B"
        assert not any(e["data"].get("name") == "exam marks" for e in ana.seen)
    async with world.client(room.ana) as http:
        for channel_id in hidden:
            assert (await http.get(f"/api/v1/channels/{channel_id}/messages")).status_code == 404


async def test_held_items_are_pending_for_the_author_and_noticed_by_teachers(
    server: LiveServer, room: Room
) -> None:
    boards = [room.board.id]
    async with room.world.client(room.teacher) as http:
        settings = await http.patch(
            f"/api/v1/boards/{room.board.id}", json={"settings": {"approval_required": True}}
        )
        assert settings.json()["settings"]["approval_required"] is True
    async with (
        events(server, room.project.id, room.ana.token, boards=boards) as ana,
        events(server, room.project.id, room.ben.token, boards=boards) as ben,
        events(server, room.project.id, room.teacher.token, boards=boards) as teacher,
    ):
        async with room.world.client(room.ana) as http:
            posted = (
                await http.post(
                    f"/api/v1/boards/{room.board.id}/posts",
                    json={"kind": "text", "title": "Our river", "body": "The Vistula"},
                )
            ).json()
        assert posted["status"] == "held" and posted["pending"] is True
        mine = await ana.next("post.created")
        assert mine["data"]["pending"] is True and mine["data"]["reason"]
        assert (await teacher.next("post.created"))["data"]["pending"] is True
        notice = await teacher.next("moderation.notice")
        assert notice["data"]["item"] == "post" and notice["data"]["item_id"] == posted["id"]
        assert await ben.nothing_more("post.created")
        assert not any(e["type"] == "moderation.notice" for e in ana.seen)

        handler = server.services.moderation.pipeline.handlers[ItemKind.POST]
        await handler.set_status(posted["id"], ItemStatus.PUBLISHED, room.teacher.id)
        appeared = await ben.next("post.created")
        assert appeared["data"]["id"] == posted["id"] and appeared["data"]["status"] == "published"
        assert (await ana.next("post.updated"))["data"]["pending"] is False
        await handler.set_status(posted["id"], ItemStatus.HIDDEN, room.teacher.id)
        assert (await ben.next("post.removed"))["data"]["id"] == posted["id"]
        assert (await ana.next("post.removed"))["data"]["id"] == posted["id"]
        assert (
            await teacher.next("post.updated", where=lambda e: e["data"]["status"] == "hidden")
        )["data"]["id"] == posted["id"]


async def test_presence_typing_and_page_locks(server: LiveServer, room: Room) -> None:
    channel = [room.channel.id]
    async with events(server, room.project.id, room.teacher.token, channels=channel) as teacher:
        async with events(server, room.project.id, room.ana.token, channels=channel) as ana:
            joined = await teacher.next(
                "presence.joined", where=lambda e: e["data"]["user"]["id"] == room.ana.id
            )
            assert joined["data"]["user"]["role"] == "pupil"
            assert room.teacher.id in {m["user"]["id"] for m in ana.seen[0]["data"]["presence"]}
            await ana.send(
                {"type": "presence", "location": {"kind": "channel", "id": room.channel.id}}
            )
            moved = await teacher.next("presence.moved")
            assert moved["data"]["location"] == {"kind": "channel", "id": room.channel.id}
            await ana.send({"type": "typing", "channel_id": room.channel.id})
            typing = await teacher.next("typing")
            assert typing["data"] == {
                "channel_id": room.channel.id,
                "user": {"id": room.ana.id, "display_name": room.ana.user.display_name},
            }
            async with room.world.client(room.teacher) as http:
                page = (
                    await http.post(
                        f"/api/v1/projects/{room.project.id}/pages", json={"title": "Rivers"}
                    )
                ).json()
                await http.post(f"/api/v1/pages/{page['id']}/lock")
            lock = await ana.next("page.lock")
            assert lock["data"]["page_id"] == page["id"] and lock["data"]["locked"] is True
        left = await teacher.next("presence.left")
        assert left["data"]["user"]["id"] == room.ana.id


async def test_role_changes_and_removal_apply_to_open_sockets(
    server: LiveServer, room: Room
) -> None:
    world = room.world
    helper = await world.teacher("PL")
    await world.join(room.project, helper, Role.TEACHER)
    staff = await world.channel(room.project, room.teacher, kind=ChannelKind.STAFF)
    async with events(server, room.project.id, helper.token, channels=[staff.id]) as socket:
        assert socket.seen[0]["data"]["subscriptions"]["channels"] == [staff.id]
        async with world.client(room.teacher) as http:
            demoted = await http.patch(
                f"/api/v1/projects/{room.project.id}/members/{helper.id}", json={"role": "guest"}
            )
        assert demoted.status_code == 200, demoted.text
        changed = await socket.next("access.changed")
        assert changed["data"]["role"] == "guest"
        assert changed["data"]["dropped"] == {"channels": [staff.id]}
        await socket.send({"type": "typing", "channel_id": staff.id})
        assert (await socket.next("error"))["data"]["code"] == "not-found"
        await _say(room, room.teacher, "not for guests", staff.id)
        assert await socket.nothing_more("message.created")
        async with world.client(room.teacher) as http:
            await http.delete(f"/api/v1/projects/{room.project.id}/members/{helper.id}")
        assert await socket.closed_with() == close_codes.FORBIDDEN


async def test_there_are_no_direct_message_channels(room: Room) -> None:
    async with room.world.client(room.teacher) as http:
        direct = await http.post(
            f"/api/v1/projects/{room.project.id}/channels",
            json={"name": "ana+ben", "kind": "direct"},
        )
    async with room.world.client(room.ana) as http:
        by_pupil = await http.post(
            f"/api/v1/projects/{room.project.id}/channels", json={"name": "secret"}
        )
        kinds = {
            c["kind"]
            for c in (await http.get(f"/api/v1/projects/{room.project.id}/channels")).json()
        }
    assert direct.status_code == 422 and by_pupil.status_code == 403
    assert kinds <= {"project", "class", "staff"}
