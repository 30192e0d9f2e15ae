"""Bad input, floods and limits on the events socket close only the offending connection."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.spaces.conftest import Room
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person
from twinspace.face.sockets.project_connection import ProjectConnection
from twinspace.realtime import close_codes
from twinspace.realtime.bus import LocalBus
from twinspace.realtime.project_events import ProjectEventHub

FLOOD = {"ws_messages_per_second": 5.0, "ws_message_burst": 10, "ws_max_message_bytes": 4096}


async def _post(room: Room, person: Person, text: str) -> int:
    async with room.world.client(person) as http:
        response = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": text}
        )
    assert response.status_code == 201
    message_id: int = response.json()["id"]
    return message_id


async def test_unknown_types_and_missing_fields_get_error_events(
    server: LiveServer, room: Room
) -> None:
    async with events(server, room.project.id, room.ana.token) as ana:
        await ana.send({"type": "teleport", "ref": "r1"})
        unknown = await ana.next("error")
        assert unknown["data"]["code"] == "unknown-type" and unknown["data"]["ref"] == "r1"
        assert "subscribe" in unknown["data"]["known"]
        await ana.send({"type": "typing", "ref": "r2"})
        missing = await ana.next("error")
        assert missing["data"]["code"] == "invalid" and missing["data"]["ref"] == "r2"
        assert missing["data"]["errors"][0]["loc"] == ["typing", "channel_id"]
        await ana.send([1, 2, 3])
        assert (await ana.next("error"))["data"]["code"] == "invalid"
        await ana.send({"type": "subscribe", "channels": ["x"]})
        assert (await ana.next("error"))["data"]["code"] == "invalid"
        await ana.send({"type": "typing", "channel_id": room.channel.id})
        assert (await ana.next("error"))["data"]["code"] == "not-found"
        await ana.send({"type": "subscribe", "channels": list(range(1, 202))})
        assert (await ana.next("error"))["data"]["code"] == "invalid"
        await ana.send(
            {"type": "subscribe", "channels": list(range(1, 151)), "boards": list(range(1, 61))}
        )
        too_many = (await ana.next("error"))["data"]
        assert (too_many["code"], too_many["problem"]) == (
            "rule-violation",
            "too-many-subscriptions",
        )
        assert too_many["values"] == {"maximum": 200}
        await ana.send({"type": "ping", "ref": "still-here"})
        assert (await ana.next("pong"))["data"]["ref"] == "still-here"


@pytest.mark.parametrize("settings_overrides", [FLOOD])
async def test_malformed_huge_and_flooding_clients_are_closed_alone(
    server: LiveServer, room: Room
) -> None:
    channel = [room.channel.id]
    async with events(server, room.project.id, room.teacher.token, channels=channel) as teacher:
        async with events(server, room.project.id, room.ana.token) as ana:
            await ana.send("{not json")
            assert await ana.closed_with() == close_codes.MALFORMED
        async with events(server, room.project.id, room.ana.token) as ana:
            await ana.send(json.dumps({"type": "ping", "ref": "x" * 5000}))
            assert await ana.closed_with() == close_codes.TOO_BIG
        async with events(server, room.project.id, room.ana.token) as ana:
            await ana.ws.send(b"\x00binary")
            assert await ana.closed_with() == close_codes.MALFORMED
        async with events(server, room.project.id, room.ben.token, channels=channel) as ben:
            for _ in range(int(FLOOD["ws_message_burst"]) * 3):
                await ben.send({"type": "ping"})
            limited = await ben.next("error")
            assert limited["data"]["code"] == "rate-limited"
            assert limited["data"]["retry_after"] > 0
            assert await ben.closed_with() == close_codes.RATE_LIMITED
        message_id = await _post(room, room.partner, "the room goes on")
        seen = await teacher.next("message.created")
        assert seen["data"]["id"] == message_id
        await teacher.send({"type": "ping"})
        await teacher.next("pong")
    async with events(server, room.project.id, room.ben.token) as ben:
        await ben.send({"type": "ping"})
        assert (await ben.next("pong"))["type"] == "pong"


async def test_authentication_membership_and_origin(
    server: LiveServer, room: Room, outsider: Person
) -> None:
    async with events(server, room.project.id, None, hello=False) as anonymous:
        assert await anonymous.closed_with() == close_codes.NOT_AUTHENTICATED
    async with events(server, room.project.id, "not-a-token", hello=False) as bad:
        assert await bad.closed_with() == close_codes.NOT_AUTHENTICATED
    async with events(server, room.project.id, outsider.token, hello=False) as stranger:
        assert await stranger.closed_with() == close_codes.UNKNOWN_ROOM
    async with events(server, 987654, room.ana.token, hello=False) as nowhere:
        assert await nowhere.closed_with() == close_codes.UNKNOWN_ROOM
    cookie = {"Cookie": f"twinspace_session={room.ana.token}"}
    async with events(
        server,
        room.project.id,
        None,
        hello=False,
        additional_headers=cookie,
        origin="https://evil.example",
    ) as foreign:
        assert await foreign.closed_with() == close_codes.FORBIDDEN
    async with events(
        server, room.project.id, None, additional_headers=cookie, origin=server.base_url
    ) as same_site:
        assert same_site.seen[0]["data"]["user"]["id"] == room.ana.id


@pytest.mark.parametrize(
    "settings_overrides", [{"idle_timeout_seconds": 0.5, "max_connections_per_user": 1}]
)
async def test_idle_timeout_and_connections_per_user(server: LiveServer, room: Room) -> None:
    async with events(server, room.project.id, room.ana.token) as first:
        async with events(server, room.project.id, room.ana.token, hello=False) as second:
            assert await second.closed_with() == close_codes.RATE_LIMITED
        assert await first.closed_with(wait=3) == close_codes.TIMEOUT


async def test_a_client_that_falls_behind_is_closed_with_try_again_later(
    server: LiveServer, room: Room
) -> None:
    services = server.services
    access = await services.access.project(room.ana.user, room.project.id)
    stuck_socket = object()  # never written to: the queue alone decides
    connection = ProjectConnection(
        stuck_socket,  # type: ignore[arg-type]
        services,
        access,
        None,
        session_id=0,
        session_expires_at=datetime.max.replace(tzinfo=UTC),
    )
    hub = ProjectEventHub(LocalBus(), replay_events=10, replay_seconds=60)
    unsubscribe = hub.subscribe(room.project.id, connection.on_bus)
    for n in range(services.settings.ws_send_queue_messages + 1):
        hub.publish(room.project.id, "test.event", {"n": n})
    unsubscribe()
    assert connection.closed.is_set() and connection.close_request is not None
    assert connection.close_request.code == close_codes.TRY_AGAIN_LATER
    assert len(connection.outbox) == services.settings.ws_send_queue_messages
