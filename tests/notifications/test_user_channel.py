"""`/ws/me`, the user channel: the unread count first, each new notification live, counts
when read elsewhere; authenticated, bounded, closed with the documented codes. Every frame
is checked against the events JSON Schema (tests/support/events.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from websockets.asyncio.client import connect

from tests.moderation.test_pipeline import PHONE
from tests.notifications.conftest import School, read_all, settle
from tests.support.events import WAIT, EventsClient
from tests.support.server import LiveServer


@asynccontextmanager
async def user_channel(server: LiveServer, token: str | None) -> AsyncIterator[EventsClient]:
    query = f"?token={token}" if token else ""
    async with connect(f"{server.ws_url}/ws/me{query}", proxy=None, open_timeout=WAIT) as ws:
        yield EventsClient(ws)


async def test_a_held_message_arrives_live_with_the_unread_count(school: School) -> None:
    world = school.world
    await read_all(world, school.partner)
    async with (
        user_channel(world.server, school.teacher.token) as teacher,
        user_channel(world.server, school.pupil.token) as pupil,
    ):
        first = await teacher.next()
        assert first["type"] == "notifications.unread" and first["data"] == {"unread": 0}
        assert (await pupil.next("notifications.unread"))["data"] == {"unread": 0}
        sent = (await school.post(school.pupil, PHONE)).json()
        pushed = await teacher.next("notification")
        assert pushed["data"]["unread"] == 1
        notification = pushed["data"]["notification"]
        assert notification["kind"] == "held" and notification["params"]["item"] == "message"
        assert notification["params"]["author"] == school.pupil.user.display_name
        assert sent["status"] == "held"
        await settle(world)
        assert await pupil.nothing_more("notification"), "pupils hear nothing of it"
        # read on another device: the count follows
        async with world.client(school.teacher) as http:
            read = await http.post(f"/api/v1/me/notifications/{notification['id']}/read")
        assert read.status_code == 200
        assert (await teacher.next("notifications.unread"))["data"] == {"unread": 0}
        await teacher.send({"type": "ping", "ref": "p1"})
        assert (await teacher.next("pong"))["data"] == {"ref": "p1"}


async def test_the_channel_is_private_to_its_user(school: School) -> None:
    world = school.world
    await read_all(world, school.partner)
    async with (
        user_channel(world.server, school.teacher.token) as teacher,
        user_channel(world.server, school.partner.token) as partner,
    ):
        await teacher.next("notifications.unread")
        await partner.next("notifications.unread")
        async with world.client(school.pupil) as http:
            reported = await http.post(
                f"/api/v1/projects/{school.project.id}/reports",
                json={
                    "item_kind": "message",
                    "item_id": (await school.post(school.teacher, "hello")).json()["id"],
                    "reason": "spam",
                },
            )
        assert reported.status_code == 201
        # each moderator gets their own notification, with their own id
        mine = (await teacher.next("notification"))["data"]["notification"]
        theirs = (await partner.next("notification"))["data"]["notification"]
        assert mine["kind"] == theirs["kind"] == "reported" and mine["id"] != theirs["id"]
        assert await teacher.nothing_more("notification")


async def test_signing_in_is_required_and_bad_frames_close_it(school: School) -> None:
    server = school.world.server
    async with user_channel(server, None) as anonymous:
        assert await anonymous.closed_with() == 4401
    async with user_channel(server, "not-a-token") as forged:
        assert await forged.closed_with() == 4401
    async with user_channel(server, school.teacher.token) as teacher:
        await teacher.next("notifications.unread")
        await teacher.send({"type": "subscribe", "channels": [1]})
        error = await teacher.next("error")
        assert error["data"]["code"] == "unknown-type" and error["data"]["known"] == ["ping"]
        await teacher.send("[1, 2")
        assert await teacher.closed_with() == 1007
    async with user_channel(server, school.teacher.token) as teacher:
        await teacher.next("notifications.unread")
        await teacher.ws.send(b"\x00binary")
        assert await teacher.closed_with() == 1007
    async with user_channel(server, school.teacher.token) as teacher:
        await teacher.next("notifications.unread")
        too_big = server.services.settings.ws_max_message_bytes + 1
        await teacher.send(json.dumps({"type": "ping", "ref": "x" * too_big}))
        assert await teacher.closed_with() == 1009


async def test_signing_out_closes_the_channel(school: School) -> None:
    world = school.world
    session = await world.services.accounts.start_session(school.teacher.user)
    async with user_channel(world.server, session.token) as teacher:
        await teacher.next("notifications.unread")
        async with world.server.client(session.token) as http:
            assert (await http.delete("/api/v1/session")).status_code == 204
        assert await teacher.closed_with() == 4401


async def test_connections_count_towards_the_per_user_cap(school: School) -> None:
    world = school.world
    limit = world.services.settings.max_connections_per_user
    opened: list[EventsClient] = []
    contexts = [user_channel(world.server, school.teacher.token) for _ in range(limit + 1)]
    try:
        for context in contexts[:limit]:
            client = await context.__aenter__()
            await client.next("notifications.unread")
            opened.append(client)
        extra = await contexts[limit].__aenter__()
        assert await extra.closed_with() == 4429
        await contexts[limit].__aexit__(None, None, None)
    finally:
        for context in contexts[: len(opened)]:
            await context.__aexit__(None, None, None)
