from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from tests.support.world import World
from tests.training.events import bearer, cancel, create_event, enrol, nso
from twinspace.clock import utcnow
from twinspace.types import UserKind


async def test_certificate_valid_forged_and_revoked(world: World) -> None:
    organiser, other_nso = await nso(world, "PL"), await nso(world, "IT")
    event = await create_event(world, organiser, title="Safe internet for pupils")
    future = await create_event(
        world,
        organiser,
        enrol_closes_at=utcnow() + timedelta(days=1),
        starts_at=utcnow() + timedelta(days=2),
        ends_at=utcnow() + timedelta(days=3),
    )
    teacher, waiting = await world.teacher("PL"), await world.teacher("PL")
    full = await create_event(world, organiser, capacity=1)
    attendance = f"/api/v1/training/events/{event['id']}/participants/{teacher.id}"
    async with world.server.client() as http:
        assert (await enrol(http, event["id"], teacher)).status_code == 201
        assert (await enrol(http, future["id"], teacher)).status_code == 201
        assert (await enrol(http, full["id"], teacher)).status_code == 201
        assert (await enrol(http, full["id"], waiting)).json()["status"] == "waiting"

        too_early = await http.put(
            f"/api/v1/training/events/{future['id']}/participants/{teacher.id}",
            json={"attended": True, "completed": True},
            headers=bearer(organiser),
        )
        assert (too_early.status_code, too_early.json()["rule"]) == (422, "not-started")
        on_list = await http.put(
            f"/api/v1/training/events/{full['id']}/participants/{waiting.id}",
            json={"attended": True},
            headers=bearer(organiser),
        )
        assert (on_list.status_code, on_list.json()["rule"]) == (422, "not-confirmed")
        by_stranger = await http.put(
            attendance, json={"attended": True, "completed": True}, headers=bearer(other_nso)
        )
        assert by_stranger.status_code == 403
        absent_but_done = await http.put(
            attendance, json={"attended": False, "completed": True}, headers=bearer(organiser)
        )
        assert absent_but_done.status_code == 422

        done = await http.put(
            attendance, json={"attended": True, "completed": True}, headers=bearer(organiser)
        )
        assert done.status_code == 200, done.text
        certificate = done.json()["certificate"]
        code = certificate["code"]
        assert certificate["status"] == "valid" and len(code) >= 22
        assert (await cancel(http, event["id"], teacher)).status_code == 409
        undo = await http.put(
            attendance, json={"attended": True, "completed": False}, headers=bearer(organiser)
        )
        assert undo.status_code == 409, "completion is final"

        public = await http.get(certificate["verify_path"])  # anonymous
        assert public.status_code == 200
        checked = public.json()
        assert checked["status"] == "valid" and checked["event_title"] == event["title"]
        assert checked["holder"] == teacher.user.display_name
        tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
        for forged in (secrets.token_urlsafe(16), tampered, code + "x", "x" * 300):
            assert (await http.get(f"/api/v1/certificates/{forged}")).status_code == 404

        revoke = f"/api/v1/certificates/{code}/revoke"
        for intruder in (other_nso, teacher):
            refused = await http.post(revoke, json={"reason": "mistake"}, headers=bearer(intruder))
            assert refused.status_code == 403
        revoked = await http.post(
            revoke, json={"reason": "recorded for the wrong teacher"}, headers=bearer(organiser)
        )
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        again = await http.post(revoke, json={"reason": "twice"}, headers=bearer(organiser))
        assert again.status_code == 409
        after = (await http.get(certificate["verify_path"])).json()
        assert after["status"] == "revoked" and after["revoked_at"] is not None

        history = (await http.get("/api/v1/me/training", headers=bearer(teacher))).json()
    entries = {entry["event_id"]: entry for entry in history}
    assert set(entries) == {event["id"], future["id"], full["id"]}
    assert entries[event["id"]]["certificate"]["status"] == "revoked"
    assert entries[event["id"]]["event"]["title"] == event["title"]
    assert entries[event["id"]]["completed_at"] is not None
    assert entries[future["id"]]["certificate"] is None


async def test_calendar_feed_parses_back(world: World) -> None:
    organiser = await nso(world, "PL")
    starts = datetime(2030, 5, 6, 8, 30, tzinfo=UTC)
    window = {
        "enrol_opens_at": utcnow() - timedelta(days=1),
        "enrol_closes_at": starts - timedelta(days=1),
    }
    webinar = await create_event(
        world,
        organiser,
        kind="webinar",
        title="AI, ethics; pupils",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        link="https://meet.example/ai",
        **window,
    )
    workshop = await create_event(
        world,
        organiser,
        kind="regional_workshop",
        title="Workshop in Kraków",
        format="in_person",
        link=None,
        place="SP 12, ul. Długa 5, Kraków",
        starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=3),
        **window,
    )
    later = {"starts_at": starts + timedelta(days=2), "ends_at": starts + timedelta(days=3)}
    full = await create_event(world, organiser, capacity=1, **window, **later)
    dropped = await create_event(world, organiser, **window, **later)
    teacher, other = await world.teacher("PL"), await world.teacher("PL")
    async with world.server.client() as http:
        for event in (webinar, workshop, dropped):
            assert (await enrol(http, event["id"], teacher)).status_code == 201
        assert (await enrol(http, full["id"], other)).status_code == 201
        assert (await enrol(http, full["id"], teacher)).json()["status"] == "waiting"
        assert (await cancel(http, dropped["id"], teacher)).status_code == 200
        first = await http.get("/api/v1/me/training.ics", headers=bearer(teacher))
        second = await http.get("/api/v1/me/training.ics", headers=bearer(teacher))
        anonymous = await http.get("/api/v1/me/training.ics")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    assert anonymous.status_code == 401

    calendar = Calendar.from_ical(first.content)
    assert str(calendar["VERSION"]) == "2.0" and "TwinSpaces" in str(calendar["PRODID"])
    events = {str(e["SUMMARY"]): e for e in calendar.events}
    assert set(events) == {webinar["title"], workshop["title"]}
    online, in_person = events[webinar["title"]], events[workshop["title"]]
    assert online.start == starts and online.end == starts + timedelta(hours=1)
    assert isinstance(online.start, datetime) and online.start.utcoffset() == timedelta(0)
    assert str(online["URL"]) == "https://meet.example/ai"
    assert str(in_person["LOCATION"]) == "SP 12, ul. Długa 5, Kraków"
    assert in_person.start == starts + timedelta(days=1)
    assert str(online["DESCRIPTION"]) == webinar["description"]
    uids = sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))
    assert len(set(uids)) == 2
    assert uids == sorted(
        str(e["UID"]) for e in Calendar.from_ical(second.content).walk("VEVENT")
    ), "UIDs are stable across fetches"


async def test_admin_organises_european_events_and_manages_any(world: World) -> None:
    admin, pl_nso = await world.staff(UserKind.ADMIN), await nso(world, "PL")
    national = await create_event(world, pl_nso)
    european = await create_event(world, admin, kind="international_training")
    teacher = await world.teacher("PL")  # a national event is for its country
    async with world.server.client() as http:
        assert (await enrol(http, european["id"], teacher)).status_code == 201
        assert (await enrol(http, national["id"], teacher)).status_code == 201
        done = await http.put(
            f"/api/v1/training/events/{national['id']}/participants/{teacher.id}",
            json={"attended": True, "completed": True},
            headers=bearer(admin),
        )
        assert done.status_code == 200 and done.json()["certificate"]["status"] == "valid"
        foreign = await http.put(
            f"/api/v1/training/events/{european['id']}/participants/{teacher.id}",
            json={"attended": True},
            headers=bearer(pl_nso),
        )
        assert foreign.status_code == 403, "an NSO does not manage European events"
        listed = await http.get(
            "/api/v1/training/events", params={"country": "pl"}, headers=bearer(teacher)
        )
    assert [e["id"] for e in listed.json()] == [national["id"]]
