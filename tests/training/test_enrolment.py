from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from tests.support.world import Person, World
from tests.training.events import cancel, create_event, enrol, event_body, nso, participants
from twinspace.clock import utcnow
from twinspace.types import SchoolType, TeacherStatus, UserKind


def _by_status(rows: list[dict[str, Any]], status: str) -> list[int]:
    return [row["teacher"]["id"] for row in rows if row["status"] == status]


def _check_waiting_ranks(rows: list[dict[str, Any]]) -> None:
    ranks = [row["waiting_rank"] for row in rows if row["status"] == "waiting"]
    assert ranks == list(range(1, len(ranks) + 1))


async def test_concurrent_enrolments_never_exceed_capacity(world: World) -> None:
    organiser = await nso(world)
    event = await create_event(world, organiser, capacity=3)
    teachers = [await world.teacher("PL") for _ in range(12)]
    async with world.server.client() as http:
        responses = await asyncio.gather(*(enrol(http, event["id"], t) for t in teachers))
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        seats = [r.json() for r in responses]
        rows = await participants(http, event["id"], organiser)
        detail = (
            await http.get(
                f"/api/v1/training/events/{event['id']}",
                headers={"Authorization": f"Bearer {organiser.token}"},
            )
        ).json()
    assert sum(s["status"] == "confirmed" for s in seats) == 3
    assert sorted(s["waiting_rank"] for s in seats if s["status"] == "waiting") == list(
        range(1, 10)
    )
    assert len(_by_status(rows, "confirmed")) == 3 and len(_by_status(rows, "waiting")) == 9
    _check_waiting_ranks(rows)
    assert (detail["seats_taken"], detail["waiting"]) == (3, 9)


async def test_concurrent_cancellations_promote_the_earliest_waiting(world: World) -> None:
    organiser = await nso(world)
    event = await create_event(world, organiser, capacity=5)
    seated = [await world.teacher("PL") for _ in range(5)]
    waiting = [await world.teacher("PL") for _ in range(10)]
    newcomers = [await world.teacher("PL") for _ in range(3)]
    async with world.server.client() as http:
        for teacher in seated + waiting:  # one by one: the waiting order is known
            assert (await enrol(http, event["id"], teacher)).status_code == 201
        rows = await participants(http, event["id"], organiser)
        assert _by_status(rows, "waiting") == [t.id for t in waiting]

        leaving: list[Person] = [*seated[:4], waiting[1]]
        results = await asyncio.gather(
            *(cancel(http, event["id"], t) for t in leaving),
            *(enrol(http, event["id"], t) for t in newcomers),
        )
        assert [r.status_code for r in results] == [200] * 5 + [201] * 3, [r.text for r in results]
        assert all(r.json()["status"] == "cancelled" for r in results[:5])
        assert all(r.json()["status"] == "waiting" for r in results[5:]), (
            "newcomers never jump the waiting list"
        )
        rows = await participants(http, event["id"], organiser)

    expected_seated = [seated[4], waiting[0], *waiting[2:5]]
    assert sorted(_by_status(rows, "confirmed")) == sorted(t.id for t in expected_seated)
    still_waiting = _by_status(rows, "waiting")
    assert still_waiting[:5] == [t.id for t in waiting[5:]]
    assert sorted(still_waiting[5:]) == sorted(t.id for t in newcomers)
    _check_waiting_ranks(rows)
    assert sorted(_by_status(rows, "cancelled")) == sorted(t.id for t in leaving)


async def test_enrolment_window_capacity_and_waiting_list_limits(world: World) -> None:
    organiser = await nso(world)
    now = utcnow()
    not_open = await create_event(
        world,
        organiser,
        enrol_opens_at=now + timedelta(days=1),
        enrol_closes_at=now + timedelta(days=2),
    )
    closed = await create_event(
        world,
        organiser,
        enrol_opens_at=now - timedelta(days=3),
        enrol_closes_at=now - timedelta(days=2),
    )
    small = await create_event(world, organiser, capacity=1, waiting_list_size=1)
    a, b, c = [await world.teacher("PL") for _ in range(3)]
    async with world.server.client() as http:
        early = await enrol(http, not_open["id"], a)
        late = await enrol(http, closed["id"], a)
        assert (early.status_code, early.json()["rule"]) == (422, "enrolment-not-open")
        assert (late.status_code, late.json()["rule"]) == (422, "enrolment-closed")

        assert (await enrol(http, small["id"], a)).json()["status"] == "confirmed"
        assert (await enrol(http, small["id"], a)).status_code == 409
        assert (await enrol(http, small["id"], b)).json()["waiting_rank"] == 1
        full = await enrol(http, small["id"], c)
        assert (full.status_code, full.json()["rule"]) == (422, "event-full")

        headers = {"Authorization": f"Bearer {organiser.token}"}
        path = f"/api/v1/training/events/{small['id']}"
        shrink = await http.patch(
            path, json={"capacity": 1, "waiting_list_size": 0}, headers=headers
        )
        assert shrink.status_code == 200
        grown = await http.patch(path, json={"capacity": 2}, headers=headers)
        assert grown.status_code == 200
        assert (grown.json()["seats_taken"], grown.json()["waiting"]) == (2, 0)
        rows = await participants(http, small["id"], organiser)
        assert sorted(_by_status(rows, "confirmed")) == sorted([a.id, b.id])
        below = await http.patch(path, json={"capacity": 1}, headers=headers)
        assert (below.status_code, below.json()["rule"]) == (422, "capacity-below-confirmed")
        broken = await http.patch(path, json={"format": "in_person"}, headers=headers)
        assert broken.status_code == 422 and "place" in broken.json()["detail"]


async def test_audience_validation_and_organiser_rules(world: World) -> None:
    organiser = await nso(world, "PL")
    other_nso = await nso(world, "IT")
    event = await create_event(
        world, organiser, audience_countries=["pl"], audience_school_types=["secondary"]
    )
    secondary = await world.school("PL", type=SchoolType.SECONDARY)
    pl_secondary = await world.teacher("PL", school=secondary)
    pl_primary, it_teacher = await world.teacher("PL"), await world.teacher("IT")
    pending = await world.teacher("PL", school=secondary, status=TeacherStatus.PENDING)
    pupil = (await world.pupils(pl_secondary, 1))[0]
    async with world.server.client() as http:
        assert (await enrol(http, event["id"], pl_secondary)).status_code == 201
        for outsider in (pl_primary, it_teacher):
            refused = await enrol(http, event["id"], outsider)
            assert (refused.status_code, refused.json()["rule"]) == (422, "audience")
        assert (await enrol(http, event["id"], pending)).status_code == 403
        assert (await enrol(http, event["id"], organiser)).status_code == 403
    async with world.client(pupil) as http:
        assert (await http.get("/api/v1/training/events")).status_code == 403
    async with world.client(it_teacher) as http:
        listed = (await http.get("/api/v1/training/events")).json()
        assert [e["open_to_you"] for e in listed if e["id"] == event["id"]] == [False]
        created = await http.post("/api/v1/training/events", json=event_body())
        assert created.status_code == 403, "teachers do not organise events"
    async with world.client(other_nso) as http:
        patch = await http.patch(
            f"/api/v1/training/events/{event['id']}", json={"title": "Taken over"}
        )
        assert patch.status_code == 403
        roster = await http.get(f"/api/v1/training/events/{event['id']}/participants")
        assert roster.status_code == 403
    admin = await world.staff(UserKind.ADMIN)
    european = await create_event(
        world, admin, kind="contact_seminar", format="in_person", link=None, place="Brussels"
    )
    assert european["organiser_country"] is None
    async with world.client(admin) as http:
        patched = await http.patch(
            f"/api/v1/training/events/{event['id']}", json={"title": "Coding, revised"}
        )
        assert patched.status_code == 200 and patched.json()["title"] == "Coding, revised"


async def test_request_validation(world: World) -> None:
    organiser = await nso(world)
    cases: list[dict[str, Any]] = [
        {"starts_at": "2030-03-10T09:00:00"},  # naive instant
        {"format": "online", "link": None},  # online without a link
        {"kind": "sleepover"},
        {"title": "x" * 201},
        {"audience_countries": ["PL"] * 61},
        {"capacity": 0},
        {"unexpected": 1},
    ]
    async with world.client(organiser) as http:
        for case in cases:
            response = await http.post("/api/v1/training/events", json=event_body(**case))
            assert response.status_code == 422, (case, response.text)
        unknown = await http.post(
            "/api/v1/training/events", json=event_body(audience_countries=["XX"])
        )
        assert unknown.status_code == 422 and unknown.json()["rule"] == "audience-country"


async def test_instants_in_the_viewers_zone(world: World) -> None:
    organiser = await nso(world, "IT")
    event = await create_event(
        world,
        organiser,
        enrol_opens_at="2030-02-01T00:00:00+00:00",
        enrol_closes_at="2030-03-01T00:00:00+00:00",
        starts_at="2030-03-10T11:00:00+02:00",
        ends_at="2030-03-10T12:00:00+02:00",
    )
    assert event["starts_at"] == "2030-03-10T09:00:00Z"
    assert event["local"]["timezone"] == "Europe/Rome"
    assert event["local"]["starts_at"] == "2030-03-10T10:00:00+01:00"
    helsinki = await world.school("FI")
    teacher = await world.teacher("FI", school=helsinki)
    path = f"/api/v1/training/events/{event['id']}"
    async with world.client(teacher) as http:
        mine = (await http.get(path)).json()
        tokyo = (await http.get(path, params={"tz": "Asia/Tokyo"})).json()
        bad = await http.get(path, params={"tz": "Mars/Olympus_Mons"})
    assert mine["local"] == {
        "timezone": "Europe/Helsinki",
        "enrol_opens_at": "2030-02-01T02:00:00+02:00",
        "enrol_closes_at": "2030-03-01T02:00:00+02:00",
        "starts_at": "2030-03-10T11:00:00+02:00",
        "ends_at": "2030-03-10T12:00:00+02:00",
    }
    assert tokyo["local"]["starts_at"] == "2030-03-10T18:00:00+09:00"
    assert bad.status_code == 422
