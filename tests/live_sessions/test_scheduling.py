"""Scheduling live sessions: spaces made or chosen, times in each school's zone, refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.live_sessions.conftest import Partners, at
from tests.support.events import events
from twinspace.face.http import live_sessions


def _local(view: dict[str, object], zone: str) -> datetime:
    instant = view["starts_at"]
    assert isinstance(instant, dict) and instant["timezone"] == zone
    local = datetime.fromisoformat(instant["local"])
    utc = datetime.fromisoformat(instant["utc"])
    assert local == utc, "the same instant"
    assert local.utcoffset() == utc.astimezone(ZoneInfo(zone)).utcoffset()
    return local


async def test_schedule_makes_its_spaces_and_each_school_reads_its_own_zone(
    partners: Partners,
) -> None:
    server = partners.world.server
    async with events(server, partners.project.id, partners.aino.token) as finnish_socket:
        session = await partners.schedule()
        announced = await finnish_socket.next("session.updated")
    assert announced["data"]["id"] == session["id"]
    assert session["state"] == "scheduled" and session["read_only"] is False
    assert session["made_for_session"] == ["page", "channel", "board"]
    assert [item["title"] for item in session["agenda"]] == [
        "Hello from each class",
        "Write the river page together",
    ]
    async with partners.client(partners.polish_teacher) as http:
        page = (await http.get(f"/api/v1/pages/{session['page_id']}")).json()
        channel = (await http.get(f"/api/v1/channels/{session['channel_id']}")).json()
    assert page["title"] == "Rivers of Europe" and page["room"] == session["page_room"]
    assert channel["kind"] == "project"

    polish_start = _local(session, "Europe/Warsaw")
    finnish_view = (await partners.call(partners.aino, "GET", session["id"])).json()
    finnish_start = _local(finnish_view, "Europe/Helsinki")
    assert finnish_start.hour == (polish_start.hour + 1) % 24, "Helsinki is an hour ahead"
    schools = {c["school"]["country"]: c for c in finnish_view["classes"]}
    assert (
        datetime.fromisoformat(schools["PL"]["starts_at"]).utcoffset() == polish_start.utcoffset()
    )
    assert (
        datetime.fromisoformat(schools["FI"]["starts_at"]).utcoffset() == finnish_start.utcoffset()
    )

    chosen = await partners.call(
        partners.aino, "GET", session["id"], params={"tz": "America/New_York"}
    )
    assert chosen.json()["timezone"] == "America/New_York"
    unknown = await partners.call(partners.aino, "GET", session["id"], params={"tz": "Mars/Base"})
    assert unknown.status_code == 422


async def test_naive_times_and_bad_windows_are_refused(partners: Partners) -> None:
    url = f"/api/v1/projects/{partners.project.id}/live-sessions"
    base = {"title": "x", "class_ids": [partners.polish_class.id]}
    naive = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None)
    async with partners.client(partners.polish_teacher) as http:
        for times in [
            {"starts_at": naive.isoformat(), "ends_at": (naive + timedelta(hours=1)).isoformat()},
            {"starts_at": at(timedelta(hours=2)), "ends_at": at(timedelta(hours=1))},
            {"starts_at": at(timedelta(hours=1)), "ends_at": at(timedelta(hours=20))},
        ]:
            response = await http.post(url, json={**base, **times})
            assert response.status_code == 422, response.text
            assert response.headers["content-type"] == "application/problem+json"
        past = await http.post(
            url,
            json={**base, "starts_at": at(-timedelta(hours=2)), "ends_at": at(-timedelta(hours=1))},
        )
        assert past.status_code == 422 and past.json()["type"] == "/problems/rule-violation"


async def test_classes_and_spaces_must_belong_to_the_project(partners: Partners) -> None:
    world = partners.world
    _other, stranger, _partner = await world.european_project()
    strangers_class = await world.school_class(stranger, "9Z")
    other_access = await world.services.access.project(stranger.user, _other.id)
    strangers_page = await world.services.pages.create(other_access, "Elsewhere")
    url = f"/api/v1/projects/{partners.project.id}/live-sessions"
    body = {
        "title": "x",
        "starts_at": at(timedelta(hours=1)),
        "ends_at": at(timedelta(hours=2)),
        "class_ids": [partners.polish_class.id],
    }
    async with partners.client(partners.polish_teacher) as http:
        foreign_class = await http.post(
            url, json={**body, "class_ids": [partners.polish_class.id, strangers_class.id]}
        )
        foreign_page = await http.post(url, json={**body, "page_id": strangers_page.id})
    assert foreign_class.status_code == 422
    assert foreign_class.json()["class_id"] == strangers_class.id
    assert foreign_page.status_code == 422 and foreign_page.json()["field"] == "page_id"
    async with partners.client(partners.ola) as http:
        assert (await http.post(url, json=body)).status_code == 403


async def test_chosen_spaces_and_the_list_of_upcoming_and_past(partners: Partners) -> None:
    world = partners.world
    channel = await world.channel(partners.project, partners.polish_teacher, name="general")
    board = await world.board(partners.project, partners.polish_teacher)
    access = await world.services.access.project(partners.polish_teacher.user, partners.project.id)
    page = await world.services.pages.create(access, "Our river")
    chosen = await partners.schedule(page_id=page.id, channel_id=channel.id, board_id=board.id)
    assert chosen["made_for_session"] == []
    assert (chosen["page_id"], chosen["channel_id"], chosen["board_id"]) == (
        page.id,
        channel.id,
        board.id,
    )
    later = await partners.schedule(starts_in=timedelta(days=2), title="Second meeting")
    renamed = await partners.call(
        partners.polish_teacher,
        "PATCH",
        later["id"],
        json={
            "title": "Second meeting (moved)",
            "starts_at": at(timedelta(days=3)),
            "ends_at": at(timedelta(days=3, hours=1)),
        },
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "Second meeting (moved)"
    await partners.open_and_join(chosen["id"])
    assert (
        await partners.call(partners.polish_teacher, "POST", chosen["id"], "end")
    ).status_code == 200
    async with partners.client(partners.aino) as http:
        listing = (await http.get(f"/api/v1/projects/{partners.project.id}/live-sessions")).json()
    assert listing["timezone"] == "Europe/Helsinki"
    assert [s["id"] for s in listing["upcoming"]] == [later["id"]]
    assert [s["id"] for s in listing["past"]] == [chosen["id"]]
    # A chosen channel goes back to normal after the session.
    assert (await partners.message(partners.ola, channel.id, "after")).status_code == 201


async def test_every_session_url_is_404_for_non_members(partners: Partners) -> None:
    session = await partners.schedule()
    outsider_teacher = await partners.world.teacher("DE")
    ids = {
        "project_id": partners.project.id,
        "session_id": session["id"],
        "class_id": partners.polish_class.id,
        "user_id": partners.ola.id,
    }
    bodies = {
        "NewLiveSession": {
            "title": "x",
            "starts_at": at(timedelta(hours=1)),
            "ends_at": at(timedelta(hours=2)),
            "class_ids": [1],
        },
        "Extension": {"minutes": 5},
        "JoinRequest": {"code": "ABCDEF"},
        "LiveSessionUpdate": {"title": "x"},
        "SessionClasses": {"class_ids": [partners.polish_class.id]},
    }
    endpoints = live_sessions.router.endpoints
    assert len(endpoints) == 20
    async with partners.client(outsider_teacher) as http:
        for endpoint in endpoints:
            path = re.sub(r"{(\w+):id}", lambda m: str(ids[m.group(1)]), endpoint.full_path)
            body = bodies[endpoint.body.__name__] if endpoint.body else None
            response = await http.request(endpoint.method, path, json=body)
            assert response.status_code == 404, (endpoint.method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
