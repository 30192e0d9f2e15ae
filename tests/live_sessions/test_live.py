"""A session while it is live, over real sockets: the roster, "eyes on me", and the end."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from tests.live_sessions.conftest import Partners
from tests.support.events import Event, EventsClient, events
from tests.support.yclient import YClient
from twinspace.realtime.protocol import SyncStep1, SyncStep2


def _school(roster: dict[str, Any], country: str) -> dict[str, Any]:
    groups: list[dict[str, Any]] = [
        g for g in roster["schools"] if g["school"]["country"] == country
    ]
    assert len(groups) == 1
    return groups[0]


def _online(roster: dict[str, Any], country: str) -> dict[int, bool]:
    return {p["user"]["id"]: p["online"] for p in _school(roster, country)["people"]}


async def _roster_where(socket: EventsClient, check: Any) -> Event:
    return await socket.next("session.roster", where=lambda e: bool(check(e["data"])))


async def _handled(client: YClient) -> None:
    """Wait until the server has handled every update this client sent (a sync round trip)."""
    await asyncio.gather(*list(client._sending))
    before = sum(isinstance(m, SyncStep2) for m in client.received)
    await client.send(SyncStep1(client.doc.state_vector()))
    await client.wait_for(lambda: sum(isinstance(m, SyncStep2) for m in client.received) > before)


async def _page_client(partners: Partners, room: str, token: str) -> YClient:
    client = await YClient.connect(partners.world.server.ws_url, room, token=token)
    await client.sync()
    return client


async def test_the_roster_follows_joins_and_leaves_live(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    session = await partners.schedule()
    sid = session["id"]
    async with (
        events(server, pid, partners.polish_teacher.token) as teacher_socket,
        events(server, pid, partners.finnish_teacher.token, max_queue=None),
    ):
        await partners.open_and_join(sid)
        async with events(server, pid, partners.ola.token) as ola_socket:
            code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
            assert (await partners.join(partners.ola, sid, code)).status_code == 200
            roster = (
                await _roster_where(teacher_socket, lambda r: _online(r, "PL").get(partners.ola.id))
            )["data"]
            assert _school(roster, "PL")["joined"] == 1
            assert _school(roster, "PL")["expected"] == 2
            assert _online(roster, "FI") == {partners.finnish_teacher.id: True}
            await ola_socket.next("session.roster")  # participants get it too

            finnish_code = await partners.code(
                partners.finnish_teacher, sid, partners.finnish_class.id
            )
            assert (await partners.join(partners.aino, sid, finnish_code)).status_code == 200
            roster = (
                await _roster_where(teacher_socket, lambda r: partners.aino.id in _online(r, "FI"))
            )["data"]
            assert _online(roster, "FI")[partners.aino.id] is False, "joined, socket not open"
            async with events(server, pid, partners.aino.token) as aino_socket:
                await _roster_where(
                    teacher_socket, lambda r: _online(r, "FI").get(partners.aino.id)
                )
                await aino_socket.send(
                    {"type": "presence", "location": {"kind": "page", "id": session["page_id"]}}
                )
                roster = (
                    await _roster_where(
                        teacher_socket,
                        lambda r: any(p["location"] for p in _school(r, "FI")["people"]),
                    )
                )["data"]
                [aino] = [
                    p
                    for p in _school(roster, "FI")["people"]
                    if p["user"]["id"] == partners.aino.id
                ]
                assert aino["location"] == {"kind": "page", "id": session["page_id"]}
        # Ola's socket closed: a leave.
        roster = (
            await _roster_where(
                teacher_socket, lambda r: _online(r, "PL").get(partners.ola.id) is False
            )
        )["data"]
        assert _school(roster, "PL")["present"] == 1, "only the Polish teacher"
    fetched = (await partners.call(partners.polish_teacher, "GET", sid, "roster")).json()
    assert {g["school"]["country"] for g in fetched["schools"]} == {"PL", "FI"}
    assert (
        await partners.call(partners.polish_pupils[1], "GET", sid, "roster")
    ).status_code == 200, "a pupil of a participating class"
    # the log is per school: each school's teachers follow their own pupils' joins and leaves
    log = (await partners.call(partners.polish_teacher, "GET", sid, "log")).json()
    joins = [e for e in log if e["action"] == "joined"]
    assert [e["user"]["id"] for e in joins] == [partners.ola.id]
    assert any(e["action"] == "left" and e["user"]["id"] == partners.ola.id for e in log)
    assert log[0]["at"]["timezone"] == "Europe/Warsaw"
    finnish_log = (await partners.call(partners.finnish_teacher, "GET", sid, "log")).json()
    finnish_joins = [e["user"]["id"] for e in finnish_log if e["action"] == "joined"]
    assert partners.aino.id in finnish_joins and partners.ola.id not in finnish_joins
    assert "opened" in {e["action"] for e in finnish_log}, "session-wide entries for all"
    assert (await partners.call(partners.ola, "GET", sid, "log")).status_code == 403


async def test_eyes_on_me_stops_pupils_at_once_and_lifts_at_once(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    session = await partners.schedule()
    sid, room = session["id"], session["page_room"]
    await partners.open_and_join(sid, partners.ola, partners.aino)
    teacher_page = await _page_client(partners, room, partners.polish_teacher.token)
    pupil_page = await _page_client(partners, room, partners.ola.token)
    try:
        pupil_page.doc.insert_text(0, "Wisła ")
        await teacher_page.wait_for(lambda: "Wisła" in teacher_page.doc.text())
        async with events(server, pid, partners.aino.token) as aino_socket:
            on = await partners.call(partners.finnish_teacher, "PUT", sid, "read-only")
            assert on.status_code == 200 and on.json()["read_only"] is True
            notice = await aino_socket.next("session.read_only")
            assert notice["data"] == {
                "session_id": sid,
                "read_only": True,
                "actor_id": partners.finnish_teacher.id,
            }
            for pupil in (partners.ola, partners.aino):
                refused = await partners.message(pupil, session["channel_id"], "hello?")
                assert refused.status_code == 403
                assert refused.json()["type"] == "/problems/session-read-only"
            post = await partners.board_post(partners.aino, session["board_id"], "Kemijoki")
            assert post.json()["type"] == "/problems/session-read-only"
            assert (
                await partners.message(
                    partners.polish_teacher, session["channel_id"], "look at the map"
                )
            ).status_code == 201
            pupil_page.doc.insert_text(0, "PAUSED ")
            await _handled(pupil_page)
            teacher_page.doc.insert_text(0, "T ")
            await _handled(teacher_page)
            assert "PAUSED" not in await partners.world.services.documents.plain_text(room)

            off = await partners.call(partners.polish_teacher, "DELETE", sid, "read-only")
            assert off.json()["read_only"] is False
            assert (await aino_socket.next("session.read_only"))["data"]["read_only"] is False
        assert (
            await partners.message(partners.ola, session["channel_id"], "ok!")
        ).status_code == 201
        assert (
            await partners.board_post(partners.aino, session["board_id"], "Kemijoki")
        ).status_code == 201
        # What was typed during the pause stays out; a fresh client edits at once.
        fresh = await _page_client(partners, room, partners.ola.token)
        fresh.doc.insert_text(0, "Odra ")
        await teacher_page.wait_for(lambda: "Odra" in teacher_page.doc.text())
        await fresh.close()
    finally:
        await pupil_page.close()
        await teacher_page.close()
    actions = await partners.log_actions(sid)
    assert actions.index("read_only_on") < actions.index("read_only_off")


async def test_pupils_who_have_not_joined_only_read(partners: Partners) -> None:
    session = await partners.schedule()
    sid, room = session["id"], session["page_room"]
    before = await _page_client(partners, room, partners.ola.token)
    teacher_page = await _page_client(partners, room, partners.polish_teacher.token)
    try:
        before.doc.insert_text(0, "EARLY ")
        await _handled(before)
        await partners.open_and_join(sid, partners.aino)
        not_joined = await partners.message(partners.ola, session["channel_id"], "me too")
        assert not_joined.json()["type"] == "/problems/session-not-joined"
        late = await _page_client(partners, room, partners.ola.token)
        late.doc.insert_text(0, "LATE ")
        await _handled(late)
        await late.close()
        waiting = await _page_client(partners, room, partners.ola.token)
        code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
        assert (await partners.join(partners.ola, sid, code)).status_code == 200
        # The open room rechecks at once: a page opened before joining now takes edits.
        waiting.doc.insert_text(0, "JOINED ")
        await teacher_page.wait_for(lambda: "JOINED" in teacher_page.doc.text())
        await waiting.close()
        text = await partners.world.services.documents.plain_text(room)
        assert "EARLY" not in text and "LATE" not in text
    finally:
        await before.close()
        await teacher_page.close()


async def test_ending_records_attendance_per_school_and_a_named_version(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    session = await partners.schedule()
    sid, room = session["id"], session["page_room"]
    await partners.open_and_join(sid, partners.ola, partners.aino)
    assert (await partners.call(partners.polish_teacher, "POST", sid, "join")).status_code == 200, (
        "teachers join without a code"
    )
    page = await _page_client(partners, room, partners.aino.token)
    page.doc.insert_text(0, "Kemijoki and Wisła")
    await _handled(page)
    await page.close()
    async with events(server, pid, partners.ola.token) as ola_socket:
        ended = await partners.call(partners.finnish_teacher, "POST", sid, "end")
        assert ended.status_code == 200 and ended.json()["state"] == "ended"
        update = await ola_socket.next(
            "session.updated", where=lambda e: e["data"]["state"] == "ended"
        )
    version_id = update["data"]["version_id"]
    assert version_id is not None
    async with partners.client(partners.polish_teacher) as http:
        versions = (await http.get(f"/api/v1/pages/{session['page_id']}/versions")).json()
        content = (
            await http.get(f"/api/v1/pages/{session['page_id']}/versions/{version_id}")
        ).json()
    [saved] = [v for v in versions if v["id"] == version_id]
    assert saved["kind"] == "session" and "Rivers of Europe" in saved["name"]
    assert "Kemijoki and Wisła" in content["text"]

    attendance = (await partners.call(partners.polish_teacher, "GET", sid, "attendance")).json()
    assert attendance["final"] is True
    schools = {s["school"]["country"]: s for s in attendance["schools"]}
    assert (schools["PL"]["pupils_joined"], schools["PL"]["pupils_expected"]) == (1, 2)
    assert [p["display_name"] for p in schools["PL"]["pupils"]] == [partners.ola.user.display_name]
    assert schools["PL"]["teachers_joined"] == 1
    assert (schools["FI"]["pupils_joined"], schools["FI"]["pupils_expected"]) == (1, 1)
    assert schools["FI"]["pupils"][0]["joined_at"]["timezone"] == "Europe/Warsaw"
    assert (await partners.call(partners.aino, "GET", sid, "attendance")).status_code == 403

    after = await partners.message(partners.ola, session["channel_id"], "bye")
    assert after.json()["type"] == "/problems/session-not-live"
    log = (await partners.call(partners.polish_teacher, "GET", sid, "log")).json()
    [end] = [e for e in log if e["action"] == "ended"]
    assert end["actor"]["id"] == partners.finnish_teacher.id
    assert end["details"] == {"automatic": False, "version_id": version_id}
    assert [e["action"] for e in log][:2] == ["scheduled", "opened"]


async def test_a_session_ends_by_itself_at_its_end_time(partners: Partners) -> None:
    server, pid = partners.world.server, partners.project.id
    session = await partners.schedule(
        starts_in=-timedelta(minutes=10), lasts=timedelta(minutes=10, seconds=1.5)
    )
    sid = session["id"]
    code = await partners.code(partners.finnish_teacher, sid, partners.finnish_class.id)
    async with events(server, pid, partners.polish_teacher.token) as teacher_socket:
        assert (await partners.join(partners.aino, sid, code)).status_code == 200
        # No request touches the session: the clock ends it and tells the sockets.
        update = await teacher_socket.next(
            "session.updated",
            where=lambda e: e["data"]["id"] == sid and e["data"]["state"] == "ended",
            wait=8,
        )
    assert update["data"]["version_id"] is not None
    stored = await partners.world.storage.live_sessions.get(sid)
    assert stored is not None and stored.state == "ended"
    totals = await partners.world.storage.live_sessions.attendance.totals(sid)
    assert {(t.pupils_joined, t.pupils_expected) for t in totals} == {(0, 2), (1, 1)}
    assert (await partners.log_actions(sid))[-1] == "ended"
    entries = (await partners.call(partners.polish_teacher, "GET", sid, "log")).json()
    assert entries[-1]["details"]["automatic"] is True and entries[-1]["actor"] is None
