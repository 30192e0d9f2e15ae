"""Recording guardian consent: who may, which changes are possible, and the history kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.consent.conftest import Classroom
from twinspace.clock import utcnow
from twinspace.consent.service import latest_decision_date
from twinspace.consent.states import InvalidConsentTransition, check_transition
from twinspace.types import ConsentState

GIVEN, WITHDRAWN, PENDING = ConsentState.GIVEN, ConsentState.WITHDRAWN, ConsentState.PENDING


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        (PENDING, GIVEN, True),
        (PENDING, WITHDRAWN, True),
        (GIVEN, WITHDRAWN, True),
        (WITHDRAWN, GIVEN, True),
        (PENDING, PENDING, False),
        (GIVEN, GIVEN, False),
        (WITHDRAWN, WITHDRAWN, False),
        (GIVEN, PENDING, False),
        (WITHDRAWN, PENDING, False),
    ],
)
def test_the_state_machine_raises_on_impossible_moves(
    current: ConsentState, wanted: ConsentState, allowed: bool
) -> None:
    if allowed:
        check_transition(current, wanted)
    else:
        with pytest.raises(InvalidConsentTransition):
            check_transition(current, wanted)


async def test_every_transition_over_http_and_the_history_keeps_them(room: Classroom) -> None:
    async with room.client(room.teacher) as http:
        start = await http.get(f"/api/v1/pupils/{room.pupil.id}/consent")
    assert start.status_code == 200, start.text
    assert start.json()["state"] == "pending" and start.json()["current"] is None
    assert start.json()["history"] == []

    given = await room.decide(room.teacher, room.pupil, "given", method="paper_form")
    assert given.status_code == 200, given.text
    again = await room.decide(room.teacher, room.pupil, "given")
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["type"] == "/problems/consent-transition"
    withdrawn = await room.decide(
        room.teacher, room.pupil, "withdrawn", method="guardian_email", note="mail of 3 May"
    )
    assert withdrawn.json()["state"] == "withdrawn"
    back = await room.decide(room.teacher, room.pupil, "given", method="school_existing")
    pending = await room.decide(room.teacher, room.pupil, "pending")
    assert pending.status_code == 409, "nobody moves a decision back to pending"
    body = back.json()
    assert body["state"] == "given"
    assert [(h["state"], h["method"]) for h in body["history"]] == [
        ("given", "paper_form"),
        ("withdrawn", "guardian_email"),
        ("given", "school_existing"),
    ]
    assert body["history"][1]["note"] == "mail of 3 May"
    assert {h["recorded_by"] for h in body["history"]} == {room.teacher.user.display_name}
    assert body["current"]["method"] == "school_existing"
    audit = await room.world.storage.audit.about_user(room.pupil.id)
    assert [a.action for a in audit if a.action.startswith("consent_")] == [
        "consent_given",
        "consent_withdrawn",
        "consent_given",
    ]


async def test_a_pending_pupils_guardian_may_refuse(room: Classroom) -> None:
    refused = await room.decide(room.teacher, room.pupil, "withdrawn")
    assert refused.status_code == 200 and refused.json()["may_post"] is False


async def test_bad_decisions_are_refused_with_a_reason(room: Classroom) -> None:
    future = (date.today() + timedelta(days=2)).isoformat()
    late = await room.decide(room.teacher, room.pupil, "given", decided_on=future)
    assert late.status_code == 422 and late.json()["rule"] == "consent-date"
    other = await room.decide(room.teacher, room.pupil, "given", method="other")
    assert other.status_code == 422 and other.json()["rule"] == "consent-note"
    unknown = await room.decide(room.teacher, room.pupil, "given", method="telepathy")
    assert unknown.status_code == 422
    noted = await room.decide(room.teacher, room.pupil, "given", method="other", note="phone")
    assert noted.status_code == 200, noted.text


async def test_only_the_class_teachers_manage_consent(room: Classroom) -> None:
    for outsider in (room.partner, room.pupil, room.classmate):
        attempt = await room.decide(outsider, room.pupil, "given")
        assert attempt.status_code == 404, (outsider.user.kind, attempt.text)
        async with room.client(outsider) as http:
            seen = await http.get(f"/api/v1/pupils/{room.pupil.id}/consent")
            listed = await http.get(f"/api/v1/classes/{room.school_class.id}/consents")
            birth = await http.put(
                f"/api/v1/pupils/{room.pupil.id}/birth-date", json={"year": 2015}
            )
        assert (seen.status_code, listed.status_code, birth.status_code) == (404, 404, 404)
    colleague = await room.decide(room.colleague, room.pupil, "given")
    assert colleague.status_code == 403 and colleague.json()["rule"] == "class-teacher"
    assert (await room.decide(room.teacher, room.pupil, "given")).status_code == 200
    async with room.client(room.teacher) as http:
        listed = await http.get(f"/api/v1/classes/{room.school_class.id}/consents")
        unknown = await http.get("/api/v1/pupils/999999/consent")
    assert listed.status_code == 200
    assert {c["pupil_id"]: c["state"] for c in listed.json()} == {
        room.pupil.id: "given",
        room.classmate.id: "given",
    }
    assert unknown.status_code == 404


async def test_birth_dates_are_validated(room: Classroom) -> None:
    year = date.today().year
    async with room.client(room.teacher) as http:
        path = f"/api/v1/pupils/{room.pupil.id}/birth-date"
        future = await http.put(path, json={"year": year + 1})
        ancient = await http.put(path, json={"year": year - 40})
        month_only = await http.put(path, json={"year": None, "month": 4})
        bad_month = await http.put(path, json={"year": year - 10, "month": 13})
        good = await http.put(path, json={"year": year - 10, "month": 4})
        cleared = await http.put(path, json={"year": None})
    assert future.status_code == 422 and future.json()["rule"] == "birth-date"
    assert ancient.status_code == 422 and month_only.status_code == 422
    assert bad_month.status_code == 422
    assert good.status_code == 200 and good.json()["birth_year"] == year - 10
    assert good.json()["birth_month"] == 4
    assert cleared.json()["age"] is None and cleared.json()["required"] is True


async def test_the_me_endpoint_says_who_must_wait(room: Classroom) -> None:
    assert await room.may_post(room.pupil) is False
    assert await room.may_post(room.classmate) is True
    assert await room.may_post(room.teacher) is True
    async with room.client(room.pupil) as http:
        mine = (await http.get("/api/v1/me/consent")).json()
    assert mine == {"required": True, "state": "pending", "may_post": False, "consent_age": 16}


async def test_a_pupils_data_export_includes_their_consent_history(room: Classroom) -> None:
    assert (await room.decide(room.teacher, room.pupil, "given")).status_code == 200
    async with room.client(room.teacher) as http:
        exported = await http.get(f"/api/v1/pupils/{room.pupil.id}/export")
    assert exported.status_code == 200
    assert [c["state"] for c in exported.json()["guardian_consent"]] == ["given"]


def test_a_decision_dated_today_east_of_utc_is_not_in_the_future() -> None:
    """A teacher in Warsaw at 00:30 sends the local date, a day ahead of UTC's (23:30)."""
    late_evening = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert latest_decision_date(late_evening) == date(2026, 12, 7)
    assert latest_decision_date(late_evening.replace(hour=9)) == date(2026, 12, 6)


async def test_the_date_it_is_already_somewhere_is_accepted(room: Classroom) -> None:
    today_somewhere = latest_decision_date(utcnow()).isoformat()
    decided = await room.decide(room.teacher, room.pupil, "given", decided_on=today_somewhere)
    assert decided.status_code == 200, decided.text
