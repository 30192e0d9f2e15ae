"""The project calendar: each member's live sessions (and booked training) in their own zone,
and the private iCalendar feed: it parses with `icalendar`, lists sessions in UTC with the
organiser's zone, keeps cancelled ones as cancelled, never shows another user's data, and a
revoked or rotated URL answers 404."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from tests.live_sessions.conftest import Partners
from tests.support.world import Person
from tests.training.events import create_event, enrol, nso
from twinspace.clock import utcnow


async def _new_feed(partners: Partners, person: Person) -> str:
    async with partners.client(person) as http:
        created = await http.post("/api/v1/calendar/feed")
    assert created.status_code == 201, created.text
    url: str = created.json()["url"]
    assert url.startswith(str(partners.world.server.base_url))
    return url


async def _subscribe(url: str) -> httpx.Response:
    """As a calendar app does: a plain GET, no cookie, no bearer token."""
    async with httpx.AsyncClient() as app:
        return await app.get(url)


def _events(feed: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(feed)
    calendar.validate()  # type: ignore[no-untyped-call]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


async def test_the_feed_lists_sessions_in_utc_with_the_organisers_zone(
    partners: Partners, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="twinspace.access")
    session = await partners.schedule(starts_in=timedelta(days=2))
    gone = await partners.schedule(starts_in=timedelta(days=3), title="Called off")
    assert (
        await partners.call(partners.polish_teacher, "POST", gone["id"], "cancel")
    ).status_code == 200
    url = await _new_feed(partners, partners.finnish_teacher)
    response = await _subscribe(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    calendar.validate()  # type: ignore[no-untyped-call]
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Helsinki", "the subscriber's own zone"
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert {"Europe/Helsinki", "Europe/Warsaw"} <= zones

    found = _events(response.content)
    event = found[f"twinspace-live-session-{session['id']}"]
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert start == datetime.fromisoformat(session["starts_at"]["utc"]).replace(microsecond=0)
    assert "DTSTART:" in response.text and "Z\r\n" in response.text, "written in UTC"
    assert str(event["X-TWINSPACE-ORGANISER-TZID"]) == "Europe/Warsaw"
    assert str(event["STATUS"]) == "CONFIRMED"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
    assert str(found[f"twinspace-live-session-{gone['id']}"]["STATUS"]) == "CANCELLED"

    # the UID is stable: a change keeps it
    await partners.call(partners.polish_teacher, "PATCH", session["id"], json={"title": "Moved"})
    again = _events((await _subscribe(url)).content)
    assert str(again[f"twinspace-live-session-{session['id']}"]["SUMMARY"]) == "Moved"

    # the token never reaches the logs
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert any("/calendar/feeds/***.ics" in r.getMessage() for r in caplog.records)
    assert not any(token in r.getMessage() for r in caplog.records)


async def test_rotating_and_revoking_the_feed_and_unknown_tokens(partners: Partners) -> None:
    teacher = partners.polish_teacher
    first = await _new_feed(partners, teacher)
    assert (await _subscribe(first)).status_code == 200
    async with partners.client(teacher) as http:
        state = (await http.get("/api/v1/calendar/feed")).json()
        assert state["active"] is True and state["last_used_at"] is not None
        assert "url" not in state, "the URL is shown once, when made"
    second = await _new_feed(partners, teacher)
    assert second != first
    rotated = await _subscribe(first)
    assert rotated.status_code == 404
    assert rotated.headers["content-type"] == "application/problem+json"
    assert (await _subscribe(second)).status_code == 200
    async with partners.client(teacher) as http:
        assert (await http.delete("/api/v1/calendar/feed")).status_code == 204
        assert (await http.get("/api/v1/calendar/feed")).json()["active"] is False
        assert (await http.delete("/api/v1/calendar/feed")).status_code == 404
    assert (await _subscribe(second)).status_code == 404
    base = f"{partners.world.server.base_url}/api/v1/calendar/feeds/"
    for token in ("x" * 43, "short", "%00" * 20):
        assert (await _subscribe(base + token + ".ics")).status_code == 404
    # pupils have no feeds
    async with partners.client(partners.ola) as http:
        assert (await http.post("/api/v1/calendar/feed")).status_code == 403


async def test_another_users_data_never_appears(partners: Partners) -> None:
    world = partners.world
    mine = await partners.schedule(starts_in=timedelta(days=1), title="Ours")
    other_project, stranger, _partner = await world.european_project()
    stranger_class = await world.school_class(stranger, "7S")
    async with world.client(stranger) as http:
        theirs = await http.post(
            f"/api/v1/projects/{other_project.id}/live-sessions",
            json={
                "title": "Theirs",
                "starts_at": (utcnow() + timedelta(days=1)).isoformat(),
                "ends_at": (utcnow() + timedelta(days=1, hours=1)).isoformat(),
                "class_ids": [stranger_class.id],
            },
        )
    assert theirs.status_code == 201
    organiser = await nso(world, "PL")
    training = await create_event(
        world,
        organiser,
        title="Padlets for projects",
        enrol_closes_at=utcnow() + timedelta(days=3),
        starts_at=utcnow() + timedelta(days=4),
        ends_at=utcnow() + timedelta(days=4, hours=2),
    )
    async with world.client(partners.polish_teacher) as http:
        assert (await enrol(http, training["id"], partners.polish_teacher)).status_code == 201

    polish = _events((await _subscribe(await _new_feed(partners, partners.polish_teacher))).content)
    strangers = _events((await _subscribe(await _new_feed(partners, stranger))).content)
    assert f"twinspace-live-session-{mine['id']}" in polish
    assert f"twinspace-training-{training['id']}" in polish, "training the teacher booked"
    assert f"twinspace-live-session-{theirs.json()['id']}" not in polish
    assert set(strangers) == {f"twinspace-live-session-{theirs.json()['id']}"}

    # the calendar API: the same entries, in the viewer's zone
    async with world.client(partners.finnish_teacher) as http:
        calendar = (await http.get("/api/v1/calendar")).json()
    assert calendar["timezone"] == "Europe/Helsinki"
    [entry] = calendar["entries"]
    assert entry["id"] == mine["id"] and entry["kind"] == "live_session"
    assert entry["starts_at"]["timezone"] == "Europe/Helsinki"
    assert entry["organiser_timezone"] == "Europe/Warsaw"
    organiser_start = datetime.fromisoformat(entry["organiser_starts_at"])
    warsaw_start = datetime.fromisoformat(mine["starts_at"]["local"])
    assert organiser_start.utcoffset() == warsaw_start.utcoffset()
    async with world.client(partners.polish_teacher) as http:
        kinds = {e["kind"] for e in (await http.get("/api/v1/calendar")).json()["entries"]}
        assert kinds == {"live_session", "training"}
        window = await http.get(
            "/api/v1/calendar",
            params={
                "since": datetime.now(UTC).isoformat(),
                "until": (datetime.now(UTC) + timedelta(days=900)).isoformat(),
            },
        )
        assert window.status_code == 422
    # a pupil sees only the sessions their class takes part in
    polish_only = await partners.schedule(
        starts_in=timedelta(days=5), title="Polish only", class_ids=[partners.polish_class.id]
    )
    async with world.client(partners.aino) as http:
        seen = {e["id"] for e in (await http.get("/api/v1/calendar")).json()["entries"]}
    assert mine["id"] in seen and polish_only["id"] not in seen
