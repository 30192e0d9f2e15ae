"""Class-to-class video signalling over real events sockets (docs/events-protocol.md, "Calls"):
only endpoints of one live session's call reach each other, the server names the sender, pupils'
devices send no media unless their teacher allows it, and oversize or flooding signals are
refused. Every frame is checked against the protocol's schema by EventsClient."""

from __future__ import annotations

from typing import Any

from tests.live_sessions.conftest import Partners
from tests.support.events import Event, EventsClient, events
from twinspace.live_sessions.calls import MAX_SDP_CHARS, SIGNAL_BURST

SDP_HEAD = "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def sdp(direction: str) -> str:
    """An SDP with an audio and a video section in `direction`."""
    return (
        SDP_HEAD
        + f"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na={direction}\r\n"
        + f"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na={direction}\r\n"
    )


async def join(client: EventsClient, session_id: int, **extra: Any) -> Event:
    await client.send({"type": "call.join", "session_id": session_id, **extra})
    return await client.next(where=lambda e: e["type"] in ("call.joined", "error"))


async def error(client: EventsClient, message: dict[str, Any]) -> dict[str, Any]:
    await client.send({**message, "ref": "r1"})
    found = await client.next("error", where=lambda e: e["data"]["ref"] == "r1")
    data: dict[str, Any] = found["data"]
    return data


async def live_session(partners: Partners) -> int:
    session = await partners.schedule()
    await partners.open_and_join(session["id"])
    return int(session["id"])


async def test_two_classes_signal_each_other_and_the_server_names_the_sender(
    partners: Partners,
) -> None:
    server, pid = partners.world.server, partners.project.id
    sid = await live_session(partners)
    async with (
        events(server, pid, partners.polish_teacher.token) as anna,
        events(server, pid, partners.finnish_teacher.token) as aino_teacher,
    ):
        joined = (await join(anna, sid, kind="classroom"))["data"]
        assert joined["endpoints"][0]["class_name"] == partners.polish_class.name
        assert joined["endpoints"][0]["kind"] == "classroom"
        assert joined["endpoints"][0]["may_publish"] is True
        finnish = (await join(aino_teacher, sid))["data"]
        roster = await anna.next("call.roster", where=lambda e: len(e["data"]["endpoints"]) == 2)
        assert {e["class_id"] for e in roster["data"]["endpoints"]} == {
            partners.polish_class.id,
            partners.finnish_class.id,
        }

        # an offer with camera and microphone reaches the other endpoint, from the sender's
        # endpoint id as the server knows it: a `from` in the message is refused outright
        await anna.send(
            {
                "type": "call.signal",
                "session_id": sid,
                "to": finnish["endpoint_id"],
                "description": {"type": "offer", "sdp": sdp("sendrecv")},
            }
        )
        offer = await aino_teacher.next("call.signal")
        assert offer["data"]["from"] == joined["endpoint_id"]
        assert offer["data"]["description"]["type"] == "offer"
        spoofed = await error(
            aino_teacher,
            {
                "type": "call.signal",
                "session_id": sid,
                "to": joined["endpoint_id"],
                "from": "someone-else",
                "candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
            },
        )
        assert spoofed["code"] == "invalid"

        # an answer and a candidate go back the other way
        await aino_teacher.send(
            {
                "type": "call.signal",
                "session_id": sid,
                "to": joined["endpoint_id"],
                "candidate": {
                    "candidate": "candidate:1 1 udp 2122 127.0.0.1 50000 typ host",
                    "sdpMid": "0",
                    "sdpMLineIndex": 0,
                },
            }
        )
        candidate = await anna.next("call.signal")
        assert candidate["data"]["from"] == finnish["endpoint_id"]
        assert candidate["data"]["candidate"]["sdpMid"] == "0"

        # to nobody in the call, or too big: refused
        unknown = await error(
            anna,
            {
                "type": "call.signal",
                "session_id": sid,
                "to": "not-an-endpoint",
                "description": {"type": "offer", "sdp": sdp("sendrecv")},
            },
        )
        assert unknown["code"] == "not-in-call"
        huge = await error(
            anna,
            {
                "type": "call.signal",
                "session_id": sid,
                "to": finnish["endpoint_id"],
                "description": {"type": "offer", "sdp": "a" * (MAX_SDP_CHARS + 1)},
            },
        )
        assert huge["code"] == "signal-too-large"
        assert await aino_teacher.nothing_more("call.signal")

        # a teacher of the Polish class switches its camera off; Finnish teachers may not
        await anna.send({"type": "call.media", "session_id": sid, "audio": True, "video": True})
        await aino_teacher.next(
            "call.roster",
            where=lambda e: any(x["video"] for x in e["data"]["endpoints"]),
        )
        foreign = await error(
            aino_teacher,
            {
                "type": "call.control",
                "session_id": sid,
                "endpoint_id": joined["endpoint_id"],
                "video": False,
            },
        )
        assert (foreign["code"], foreign["problem"]) == ("forbidden", "class-teachers-only")

        # leaving takes the endpoint out of everyone's roster
        await anna.send({"type": "call.leave", "session_id": sid})
        left = await aino_teacher.next(
            "call.roster", where=lambda e: len(e["data"]["endpoints"]) == 1
        )
        assert left["data"]["endpoints"][0]["endpoint_id"] == finnish["endpoint_id"]


async def test_non_members_and_other_sessions_members_are_refused(partners: Partners) -> None:
    world, pid = partners.world, partners.project.id
    # a session of the Polish class only: the Finnish teacher is a member of the TwinSpace
    # but no participant of this session
    session = await partners.schedule(class_ids=[partners.polish_class.id])
    sid = session["id"]
    assert (await partners.call(partners.polish_teacher, "POST", sid, "open")).status_code == 200
    outsider = await world.teacher("DE")
    elsewhere = await world.project(outsider, await world.teacher("FR"))
    async with (
        events(world.server, pid, partners.polish_teacher.token) as anna,
        events(world.server, pid, partners.finnish_teacher.token) as finnish,
        events(world.server, elsewhere.id, outsider.token) as stranger,
        events(world.server, pid, partners.aino.token) as aino,
    ):
        anna_endpoint = (await join(anna, sid))["data"]["endpoint_id"]

        refused = (await join(finnish, sid))["data"]
        assert refused["code"] == "call-refused"
        # a session of another TwinSpace does not exist for this socket
        assert (await join(stranger, sid))["data"]["code"] == "not-found"
        # a pupil of a class that does not take part
        assert (await join(aino, sid))["data"]["code"] == "call-refused"

        # and none of them can reach the endpoint that is in the call
        for client in (finnish, stranger, aino):
            refusal = await error(
                client,
                {
                    "type": "call.signal",
                    "session_id": sid,
                    "to": anna_endpoint,
                    "description": {"type": "offer", "sdp": sdp("sendrecv")},
                },
            )
            assert refusal["code"] == "not-in-call"
        assert await anna.nothing_more("call.signal")

        # the Finnish teacher in the call of another session (her own class's) still cannot
        # reach an endpoint of this one, from either session
        other = await partners.schedule(
            class_ids=[partners.finnish_class.id], teacher=partners.finnish_teacher
        )
        opened = await partners.call(partners.finnish_teacher, "POST", other["id"], "open")
        assert opened.status_code == 200
        assert (await join(finnish, other["id"]))["data"]["endpoint_id"]
        for session_id in (other["id"], sid):
            crossing = await error(
                finnish,
                {
                    "type": "call.signal",
                    "session_id": session_id,
                    "to": anna_endpoint,
                    "candidate": {"candidate": "candidate:1 1 udp 2122 127.0.0.1 50000 typ host"},
                },
            )
            assert crossing["code"] == "not-in-call"
        assert await anna.nothing_more("call.signal")

        # the ICE configuration is for participants too
        async with partners.client(partners.finnish_teacher) as http:
            response = await http.get(f"/api/v1/live-sessions/{sid}/call/ice")
        assert response.status_code == 403
        assert response.json()["type"].endswith("call-refused")
        async with world.client(outsider) as http:
            response = await http.get(f"/api/v1/live-sessions/{sid}/call/ice")
        assert response.status_code == 404


async def test_a_pupils_device_sends_media_only_when_the_teacher_allows_it(
    partners: Partners,
) -> None:
    server, pid = partners.world.server, partners.project.id
    session = await partners.schedule()
    sid = session["id"]
    await partners.open_and_join(sid, partners.ola)
    async with (
        events(server, pid, partners.polish_teacher.token) as anna,
        events(server, pid, partners.ola.token) as ola,
    ):
        teacher = (await join(anna, sid))["data"]
        # the client cannot pick another class for a pupil
        wrong = (await join(ola, sid, class_id=partners.finnish_class.id))["data"]
        assert wrong["code"] == "call-refused"
        pupil = (await join(ola, sid))["data"]
        me = next(e for e in pupil["endpoints"] if e["endpoint_id"] == pupil["endpoint_id"])
        assert (me["kind"], me["may_publish"]) == ("pupil", False)

        offer_with_media = {
            "type": "call.signal",
            "session_id": sid,
            "to": teacher["endpoint_id"],
            "description": {"type": "offer", "sdp": sdp("sendrecv")},
        }
        assert (await error(ola, offer_with_media))["code"] == "media-not-allowed"
        media = {"type": "call.media", "session_id": sid, "audio": True, "video": False}
        assert (await error(ola, media))["code"] == "media-not-allowed"
        # receiving only is fine
        await ola.send(
            {**offer_with_media, "description": {"type": "offer", "sdp": sdp("recvonly")}}
        )
        assert (await anna.next("call.signal"))["data"]["from"] == pupil["endpoint_id"]

        # a pupil cannot allow themselves; the class's teacher can
        permit = {
            "type": "call.permit",
            "session_id": sid,
            "class_id": partners.polish_class.id,
            "pupils_may_publish": True,
        }
        refused = await error(ola, permit)
        assert (refused["code"], refused.get("problem")) == ("forbidden", "class-teachers-only")
        await anna.send(permit)
        allowed = await ola.next(
            "call.roster",
            where=lambda e: e["data"]["pupils_may_publish"] == [partners.polish_class.id],
        )
        assert next(
            e for e in allowed["data"]["endpoints"] if e["endpoint_id"] == pupil["endpoint_id"]
        )["may_publish"]
        await ola.send(offer_with_media)
        assert (await anna.next("call.signal"))["data"]["description"]["type"] == "offer"

        # taking it back switches the pupil's device off at once, and refuses media again
        await anna.send({**permit, "pupils_may_publish": False})
        control = await ola.next("call.control")
        assert control["data"]["audio"] is False and control["data"]["video"] is False
        assert control["data"]["by"]["id"] == partners.polish_teacher.id
        assert (await error(ola, offer_with_media))["code"] == "media-not-allowed"


async def test_a_signal_flood_is_refused_with_retry_after(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    sid = await live_session(partners)
    async with (
        events(server, pid, partners.polish_teacher.token) as anna,
        events(server, pid, partners.finnish_teacher.token, max_queue=None) as finnish,
    ):
        await join(anna, sid)
        target = (await join(finnish, sid))["data"]["endpoint_id"]
        candidate = {
            "type": "call.signal",
            "session_id": sid,
            "to": target,
            "candidate": {"candidate": "candidate:1 1 udp 2122 127.0.0.1 50000 typ host"},
        }
        for _ in range(SIGNAL_BURST + 5):
            await anna.send(candidate)
        refused = await anna.next("error")
        assert refused["data"]["code"] == "rate-limited"
        assert refused["data"]["retry_after"] > 0


async def test_a_teacher_switches_off_her_classroom_device_and_everyone_sees_it(
    partners: Partners,
) -> None:
    server, pid = partners.world.server, partners.project.id
    sid = await live_session(partners)
    async with (
        events(server, pid, partners.polish_teacher.token) as classroom,
        events(server, pid, partners.polish_teacher.token) as laptop,
        events(server, pid, partners.finnish_teacher.token) as finnish,
    ):
        device = (await join(classroom, sid, kind="classroom"))["data"]["endpoint_id"]
        await join(laptop, sid, kind="teacher")
        await join(finnish, sid)
        await classroom.send(
            {"type": "call.media", "session_id": sid, "audio": True, "video": True}
        )
        await finnish.next(
            "call.roster",
            where=lambda e: any(
                x["endpoint_id"] == device and x["video"] for x in e["data"]["endpoints"]
            ),
        )
        await laptop.send(
            {
                "type": "call.control",
                "session_id": sid,
                "endpoint_id": device,
                "audio": False,
                "video": False,
            }
        )
        command = (await classroom.next("call.control"))["data"]
        assert (command["endpoint_id"], command["audio"], command["video"]) == (
            device,
            False,
            False,
        )
        assert command["by"]["id"] == partners.polish_teacher.id
        shown = await finnish.next(
            "call.roster",
            where=lambda e: any(
                x["endpoint_id"] == device and not x["video"] for x in e["data"]["endpoints"]
            ),
        )
        [entry] = [x for x in shown["data"]["endpoints"] if x["endpoint_id"] == device]
        assert (entry["audio"], entry["video"], entry["kind"]) == (False, False, "classroom")
        # switching on is the device's own business, never a remote control
        turn_on = await error(
            laptop,
            {"type": "call.control", "session_id": sid, "endpoint_id": device, "audio": True},
        )
        assert turn_on["code"] == "invalid"


async def test_ending_the_session_ends_its_call(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    sid = await live_session(partners)
    async with events(server, pid, partners.polish_teacher.token) as anna:
        await join(anna, sid)
        assert (await partners.call(partners.polish_teacher, "POST", sid, "end")).status_code == 200
        ended = await anna.next("call.ended")
        assert ended["data"] == {"session_id": sid}
        await anna.next("call.roster", where=lambda e: e["data"]["endpoints"] == [])
        refused = (await join(anna, sid))["data"]
        assert refused["code"] == "session-not-live"
