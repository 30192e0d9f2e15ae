"""Sessions across schools: the organiser invites partner classes, each partner teacher adds or
removes only their own, every class has its own code for its own teachers, and the roster,
attendance and log are per school. Three schools: Kraków (the organiser, a founder), Helsinki
(a founder) and Bologna (a plain teacher member with two classes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.live_sessions.conftest import Partners, at
from tests.support.events import events
from tests.support.world import Person
from twinspace.domain_events import (
    DomainEvent,
    LiveSessionInvolvement,
    LiveSessionStartingSoon,
)
from twinspace.storage.records import ClassRecord
from twinspace.types import Role


@dataclass
class Italians:
    teacher: Person
    first: ClassRecord  # 5A, in the project from the start
    second: ClassRecord  # 5C, added by its teacher later
    pupils: list[Person]  # in 5A
    second_pupil: Person  # in 5C


@pytest.fixture
async def italians(partners: Partners) -> Italians:
    world = partners.world
    bologna = await world.school("IT", timezone="Europe/Rome")
    teacher = await world.teacher("IT", school=bologna)
    await world.join(partners.project, teacher, Role.TEACHER)
    first = await world.school_class(teacher, "5A")
    second = await world.school_class(teacher, "5C")
    pupils = await world.pupils(teacher, 2, first)
    [second_pupil] = await world.pupils(teacher, 1, second)
    for pupil in [*pupils, second_pupil]:
        await world.join(partners.project, pupil, Role.PUPIL)
    return Italians(teacher, first, second, pupils, second_pupil)


def _class_ids(view: dict[str, Any]) -> set[int]:
    return {c["class_id"] for c in view["classes"]}


def _recorder(partners: Partners) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    partners.world.services.events.subscribe(seen.append)
    return seen


async def test_the_organiser_invites_partner_classes_and_each_teacher_manages_only_their_own(
    partners: Partners, italians: Italians
) -> None:
    server, pid = partners.world.server, partners.project.id
    seen = _recorder(partners)
    async with (
        events(server, pid, italians.teacher.token) as italian_socket,
        events(server, pid, partners.polish_teacher.token) as polish_socket,
    ):
        session = await partners.schedule(
            class_ids=[partners.polish_class.id, partners.finnish_class.id, italians.first.id]
        )
        invited = await italian_socket.next("session.invited")
        assert invited["data"]["class_ids"] == [
            partners.polish_class.id,
            partners.finnish_class.id,
            italians.first.id,
        ]
        assert invited["data"]["by"]["id"] == partners.polish_teacher.id
        assert invited["data"]["session"]["id"] == session["id"]
        sid = session["id"]

        # the Italian teacher reads the session in Bologna's zone and lists the TwinSpace's
        # classes with their own marked
        mine = await partners.call(italians.teacher, "GET", sid)
        assert mine.json()["timezone"] == "Europe/Rome"
        async with partners.client(italians.teacher) as http:
            listed = await http.get(f"/api/v1/projects/{pid}/live-sessions/classes")
        assert listed.status_code == 200
        yours = {c["class_id"] for c in listed.json() if c["yours"]}
        assert yours == {italians.first.id, italians.second.id}
        assert {c["school"]["country"] for c in listed.json()} == {"PL", "IT", "FI"}

        # adding their own second class reaches the organiser live
        added = await partners.call(
            italians.teacher, "POST", sid, "classes", json={"class_ids": [italians.second.id]}
        )
        assert added.status_code == 200, added.text
        assert italians.second.id in _class_ids(added.json())
        updated = await polish_socket.next(
            "session.updated", where=lambda e: italians.second.id in _class_ids(e["data"])
        )
        assert updated["data"]["id"] == sid

    # a partner's class is not theirs to add or remove; a colleague's class of the organiser
    # is refused the same way
    polish_other = await partners.world.school_class(partners.polish_teacher, "6D")
    refused = await partners.call(
        italians.teacher, "POST", sid, "classes", json={"class_ids": [polish_other.id]}
    )
    assert refused.status_code == 403 and refused.json()["rule"] == "own-classes"
    not_theirs = await partners.call(
        italians.teacher, "DELETE", sid, f"classes/{partners.finnish_class.id}"
    )
    assert not_theirs.status_code == 403
    pupil_try = await partners.call(
        italians.pupils[0], "POST", sid, "classes", json={"class_ids": [italians.second.id]}
    )
    assert pupil_try.status_code == 403
    _other, stranger, _ = await partners.world.european_project()
    foreign = await partners.world.school_class(stranger, "9Z")
    outside = await partners.call(
        partners.polish_teacher, "POST", sid, "classes", json={"class_ids": [foreign.id]}
    )
    assert outside.status_code == 422 and outside.json()["class_id"] == foreign.id
    # the organiser may invite any class of the TwinSpace
    organiser_adds = await partners.call(
        partners.polish_teacher, "POST", sid, "classes", json={"class_ids": [polish_other.id]}
    )
    assert polish_other.id in _class_ids(organiser_adds.json())

    # every class its own code, each shown only to the class's own teachers
    codes = {
        person.id: {
            c["class_id"]: c["code"]
            for c in (await partners.call(person, "GET", sid, "codes")).json()
        }
        for person in (partners.polish_teacher, italians.teacher, partners.finnish_teacher)
    }
    assert set(codes[italians.teacher.id]) == {italians.first.id, italians.second.id}
    assert set(codes[partners.polish_teacher.id]) == {partners.polish_class.id, polish_other.id}
    assert set(codes[partners.finnish_teacher.id]) == {partners.finnish_class.id}
    every = [code for per in codes.values() for code in per.values()]
    assert len(set(every)) == len(every) == 5
    foreign_code = await partners.call(
        italians.teacher, "POST", sid, f"codes/{partners.polish_class.id}/regenerate"
    )
    assert foreign_code.status_code == 403

    removed = await partners.call(italians.teacher, "DELETE", sid, f"classes/{italians.second.id}")
    assert removed.status_code == 200 and italians.second.id not in _class_ids(removed.json())
    involvement = [e for e in seen if isinstance(e, LiveSessionInvolvement)]
    assert [e.change for e in involvement] == [
        "scheduled",
        "classes_added",
        "classes_added",
        "classes_removed",
    ]
    assert italians.teacher.id in involvement[0].teacher_ids
    assert involvement[-1].removed_class_ids == (italians.second.id,)
    assert italians.teacher.id in involvement[-1].teacher_ids, "the removed class's teacher"
    assert {"classes_added", "class_removed"} <= set(await partners.log_actions(sid))


async def test_partner_pupils_join_with_their_code_and_each_school_sees_its_own(
    partners: Partners, italians: Italians
) -> None:
    session = await partners.schedule(
        class_ids=[partners.polish_class.id, partners.finnish_class.id, italians.first.id]
    )
    sid = session["id"]
    assert (await partners.call(partners.polish_teacher, "POST", sid, "open")).status_code == 200
    polish_code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
    italian_code = await partners.code(italians.teacher, sid, italians.first.id)
    finnish_code = await partners.code(partners.finnish_teacher, sid, partners.finnish_class.id)
    giulia = italians.pupils[0]

    wrong = await partners.join(giulia, sid, polish_code)
    assert wrong.status_code == 403 and wrong.json()["type"] == "/problems/wrong-class"
    assert (await partners.join(giulia, sid, italian_code)).status_code == 200
    assert (await partners.join(partners.aino, sid, finnish_code)).status_code == 200
    assert (await partners.join(partners.ola, sid, polish_code)).status_code == 200
    # a pupil of the Italian class not taking part has no code that works
    stray = await partners.join(italians.second_pupil, sid, italian_code)
    assert stray.status_code == 403 and stray.json()["type"] == "/problems/wrong-class"

    roster = (await partners.call(partners.polish_teacher, "GET", sid, "roster")).json()
    schools = {g["school"]["country"]: g for g in roster["schools"]}
    assert set(schools) == {"PL", "IT", "FI"}
    assert (schools["IT"]["joined"], schools["IT"]["expected"]) == (1, 2)
    assert (schools["FI"]["joined"], schools["FI"]["expected"]) == (1, 1)
    assert giulia.id in {p["user"]["id"] for p in schools["IT"]["people"]}

    def by_country(attendance: dict[str, Any]) -> dict[str, Any]:
        return {s["school"]["country"]: s for s in attendance["schools"]}

    polish_view = by_country(
        (await partners.call(partners.polish_teacher, "GET", sid, "attendance")).json()
    )
    italian_view = by_country(
        (await partners.call(italians.teacher, "GET", sid, "attendance")).json()
    )
    # every teacher sees who joined from each school ...
    assert [p["id"] for p in polish_view["IT"]["pupils"]] == [giulia.id]
    assert [p["id"] for p in polish_view["FI"]["pupils"]] == [partners.aino.id]
    # ... and only their own school's absent pupils
    assert polish_view["IT"]["yours"] is False and polish_view["IT"]["absent"] is None
    assert polish_view["PL"]["yours"] is True
    assert [p["id"] for p in polish_view["PL"]["absent"]] == [partners.polish_pupils[1].id]
    assert italian_view["IT"]["yours"] is True
    assert [p["id"] for p in italian_view["IT"]["absent"]] == [italians.pupils[1].id]
    assert italian_view["PL"]["absent"] is None

    italian_log = (await partners.call(italians.teacher, "GET", sid, "log")).json()
    polish_log = (await partners.call(partners.polish_teacher, "GET", sid, "log")).json()
    italian_joins = {e["user"]["id"] for e in italian_log if e["action"] == "joined"}
    polish_joins = {e["user"]["id"] for e in polish_log if e["action"] == "joined"}
    assert giulia.id in italian_joins and partners.ola.id not in italian_joins
    assert partners.ola.id in polish_joins and giulia.id not in polish_joins
    assert "opened" in {e["action"] for e in italian_log}

    assert (await partners.call(partners.polish_teacher, "POST", sid, "end")).status_code == 200
    final = by_country((await partners.call(italians.teacher, "GET", sid, "attendance")).json())
    assert final["IT"]["pupils_joined"] == 1 and final["IT"]["pupils_expected"] == 2


async def test_cancelling_is_for_the_organiser_and_founders(
    partners: Partners, italians: Italians
) -> None:
    session = await partners.schedule(class_ids=[partners.polish_class.id, italians.first.id])
    sid = session["id"]
    refused = await partners.call(italians.teacher, "POST", sid, "cancel")
    assert refused.status_code == 403 and refused.json()["rule"] == "organiser"
    cancelled = await partners.call(partners.polish_teacher, "POST", sid, "cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["cancelled_at"] is not None
    again = await partners.call(partners.polish_teacher, "POST", sid, "cancel")
    assert again.status_code == 409
    late_class = await partners.call(
        italians.teacher, "POST", sid, "classes", json={"class_ids": [italians.second.id]}
    )
    assert late_class.status_code == 409
    async with partners.client(italians.teacher) as http:
        listing = (await http.get(f"/api/v1/projects/{partners.project.id}/live-sessions")).json()
    assert [s["id"] for s in listing["past"]] == [sid] and listing["upcoming"] == []
    # the founder of another school may call off a session too
    other = await partners.schedule(class_ids=[partners.polish_class.id])
    founder = await partners.call(partners.finnish_teacher, "POST", other["id"], "cancel")
    assert founder.status_code == 200


async def test_starting_soon_reaches_the_teachers_and_pupils_involved(
    partners: Partners, italians: Italians
) -> None:
    seen = _recorder(partners)
    server, pid = partners.world.server, partners.project.id
    async with events(server, pid, italians.pupils[0].token) as pupil_socket:
        session = await partners.schedule(
            starts_in=timedelta(minutes=10),
            class_ids=[partners.polish_class.id, italians.first.id],
        )
        notice = await pupil_socket.next("session.starting_soon")
    assert notice["data"]["session_id"] == session["id"] and notice["data"]["minutes"] == 15
    # the domain event goes out before the socket event, in the same step of the clock
    [soon] = [e for e in seen if isinstance(e, LiveSessionStartingSoon)]
    assert soon.session_id == session["id"]
    assert set(soon.teacher_ids) == {partners.polish_teacher.id, italians.teacher.id}
    assert set(soon.pupil_ids) == {
        *(p.id for p in partners.polish_pupils),
        *(p.id for p in italians.pupils),
    }
    # once only: a later change does not announce it again ...
    await partners.call(partners.polish_teacher, "PATCH", session["id"], json={"title": "New"})
    assert sum(isinstance(e, LiveSessionStartingSoon) for e in seen) == 1
    # ... but a new start time does, when it comes near
    async with events(server, pid, italians.pupils[0].token) as pupil_socket:
        moved = await partners.call(
            partners.polish_teacher,
            "PATCH",
            session["id"],
            json={"starts_at": at(timedelta(minutes=5)), "ends_at": at(timedelta(hours=1))},
        )
        assert moved.status_code == 200, moved.text
        again = await pupil_socket.next("session.starting_soon")
    assert again["data"]["session_id"] == session["id"]
    assert sum(isinstance(e, LiveSessionStartingSoon) for e in seen) == 2


async def test_teachers_let_in_only_their_own_pupils(
    partners: Partners, italians: Italians
) -> None:
    session = await partners.schedule(class_ids=[partners.polish_class.id, italians.first.id])
    sid = session["id"]
    luca = italians.pupils[1]
    early = await partners.call(italians.teacher, "POST", sid, f"pupils/{luca.id}/admit")
    assert early.status_code == 403 and early.json()["type"] == "/problems/session-not-live"
    assert (await partners.call(partners.polish_teacher, "POST", sid, "open")).status_code == 200

    # another school's teacher does not learn of the pupil; a pupil may not let anyone in
    foreign = await partners.call(partners.polish_teacher, "POST", sid, f"pupils/{luca.id}/admit")
    assert foreign.status_code == 404
    by_pupil = await partners.call(italians.pupils[0], "POST", sid, f"pupils/{luca.id}/admit")
    assert by_pupil.status_code == 403
    not_taking_part = await partners.call(
        italians.teacher, "POST", sid, f"pupils/{italians.second_pupil.id}/admit"
    )
    assert not_taking_part.status_code == 422
    assert not_taking_part.json()["rule"] == "class-not-in-session"
    let_in = await partners.call(italians.teacher, "POST", sid, f"pupils/{luca.id}/admit")
    assert let_in.status_code == 200, let_in.text

    attendance = (await partners.call(italians.teacher, "GET", sid, "attendance")).json()
    [italy] = [s for s in attendance["schools"] if s["school"]["country"] == "IT"]
    assert [p["id"] for p in italy["pupils"]] == [luca.id]
    async with partners.client(luca) as http:  # the pupil may now write in the session
        sent = await http.post(
            f"/api/v1/channels/{session['channel_id']}/messages", json={"text": "ciao"}
        )
    assert sent.status_code == 201, sent.text
    italian_log = (await partners.call(italians.teacher, "GET", sid, "log")).json()
    admitted = [e for e in italian_log if e["action"] == "admitted"]
    assert admitted[0]["user"]["id"] == luca.id
    assert admitted[0]["actor"]["id"] == italians.teacher.id
    assert "admitted" not in await partners.log_actions(sid), "not in the Polish log"
