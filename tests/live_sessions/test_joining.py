"""Join codes and joining: only while live, only for the pupil's own class, rate-limited."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.live_sessions.conftest import Partners
from twinspace.types import Role


async def test_pupils_of_two_schools_join_in_the_window_and_are_refused_before_it(
    partners: Partners,
) -> None:
    session = await partners.schedule(starts_in=timedelta(hours=1))
    sid = session["id"]
    polish_code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
    finnish_code = await partners.code(partners.finnish_teacher, sid, partners.finnish_class.id)
    assert len(polish_code) == 6 and polish_code.isalnum() and polish_code != finnish_code
    # Each teacher sees only their own school's classes' codes; pupils none.
    polish_codes = (await partners.call(partners.polish_teacher, "GET", sid, "codes")).json()
    assert [c["class_id"] for c in polish_codes] == [partners.polish_class.id]
    assert polish_codes[0]["valid_now"] is False
    assert polish_codes[0]["valid_from"]["timezone"] == "Europe/Warsaw"
    assert (await partners.call(partners.ola, "GET", sid, "codes")).status_code == 403

    early = await partners.join(partners.ola, sid, polish_code)
    assert early.status_code == 403 and early.json()["type"] == "/problems/session-not-live"
    refused = await partners.message(partners.ola, session["channel_id"], "too early")
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/session-not-live"
    async with partners.client(partners.ola) as http:
        readable = await http.get(f"/api/v1/channels/{session['channel_id']}/messages")
    assert readable.status_code == 200, "pupils still read the session's chat"

    opened = await partners.call(partners.polish_teacher, "POST", sid, "open")
    assert opened.status_code == 200
    assert opened.json()["state"] == "live" and opened.json()["opened_early"] is True
    joined = await partners.join(partners.ola, sid, polish_code)
    assert joined.status_code == 200 and joined.json()["joined"] is True
    typed = finnish_code.lower()[:3] + " " + finnish_code.lower()[3:]
    assert (await partners.join(partners.aino, sid, typed)).status_code == 200
    for pupil in (partners.ola, partners.aino):
        sent = await partners.message(pupil, session["channel_id"], "hei / cześć")
        assert sent.status_code == 201, sent.text

    # A session whose window has begun by the clock is live without opening it.
    now_session = await partners.schedule(starts_in=-timedelta(minutes=5), title="Now")
    assert now_session["state"] == "live" and now_session["opened_early"] is False
    code = await partners.code(
        partners.finnish_teacher, now_session["id"], partners.finnish_class.id
    )
    assert (await partners.join(partners.aino, now_session["id"], code)).status_code == 200


async def test_a_code_outside_its_window_or_for_another_class_fails(partners: Partners) -> None:
    session = await partners.schedule()
    sid = session["id"]
    await partners.open_and_join(sid)
    polish_code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
    finnish_code = await partners.code(partners.finnish_teacher, sid, partners.finnish_class.id)

    wrong_class = await partners.join(partners.ola, sid, finnish_code)
    assert wrong_class.status_code == 403
    assert wrong_class.json()["type"] == "/problems/wrong-class"
    assert "another class" in wrong_class.json()["detail"]
    unknown = await partners.join(partners.ola, sid, "ZZZZZZ")
    assert unknown.json()["type"] == "/problems/invalid-code"

    # Only the class's own school's teachers regenerate it; the old code stops working.
    foreign = await partners.call(
        partners.finnish_teacher, "POST", sid, f"codes/{partners.polish_class.id}/regenerate"
    )
    assert foreign.status_code == 403
    fresh = await partners.call(
        partners.polish_teacher, "POST", sid, f"codes/{partners.polish_class.id}/regenerate"
    )
    assert fresh.status_code == 200 and fresh.json()["code"] != polish_code
    old = await partners.join(partners.ola, sid, polish_code)
    assert old.json()["type"] == "/problems/invalid-code"
    assert (await partners.join(partners.ola, sid, fresh.json()["code"])).status_code == 200

    # A pupil of another project does not learn the session exists.
    world = partners.world
    other, other_teacher, _ = await world.european_project()
    [stranger] = await world.pupils(other_teacher, 1)
    await world.join(other, stranger, Role.PUPIL)
    assert (await partners.join(stranger, sid, fresh.json()["code"])).status_code == 404

    assert (await partners.call(partners.polish_teacher, "POST", sid, "end")).status_code == 200
    late = await partners.join(partners.polish_pupils[1], sid, fresh.json()["code"])
    assert late.status_code == 403 and late.json()["type"] == "/problems/session-not-live"
    codes = (await partners.call(partners.polish_teacher, "GET", sid, "codes")).json()
    assert codes[0]["valid_now"] is False
    assert "code_regenerated" in await partners.log_actions(sid)


async def test_guessing_codes_is_rate_limited(partners: Partners) -> None:
    session = await partners.schedule(starts_in=-timedelta(minutes=1))
    statuses = [
        (await partners.join(partners.ola, session["id"], f"GUESS{i}")).status_code
        for i in range(5)
    ]
    assert statuses == [403] * 5
    throttled = await partners.join(partners.ola, session["id"], "GUESS9")
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    right = await partners.code(partners.polish_teacher, session["id"], partners.polish_class.id)
    assert (await partners.join(partners.ola, session["id"], right)).status_code == 429
    # Another pupil has their own allowance.
    assert (await partners.join(partners.polish_pupils[1], session["id"], right)).status_code == 200


async def test_state_changes_that_make_no_sense_are_conflicts(partners: Partners) -> None:
    session = await partners.schedule()
    sid = session["id"]
    teacher = partners.polish_teacher
    assert (await partners.call(teacher, "POST", sid, "end")).status_code == 409
    assert (await partners.call(teacher, "PUT", sid, "read-only")).status_code == 409
    assert (await partners.call(teacher, "POST", sid, "open")).status_code == 200
    again = await partners.call(teacher, "POST", sid, "open")
    assert again.status_code == 409 and again.json()["type"] == "/problems/session-state"
    moved = await partners.call(teacher, "PATCH", sid, json={"ends_at": session["ends_at"]["utc"]})
    assert moved.status_code == 409, "a live session's times change by extend or end"
    before = session["ends_at"]["utc"]
    extended = await partners.call(teacher, "POST", sid, "extend", json={"minutes": 30})
    assert extended.status_code == 200
    assert datetime.fromisoformat(extended.json()["ends_at"]["utc"]) - datetime.fromisoformat(
        before
    ) == timedelta(minutes=30)
    assert (
        await partners.call(partners.ola, "POST", sid, "extend", json={"minutes": 5})
    ).status_code == 403
    assert (await partners.call(teacher, "POST", sid, "end")).status_code == 200
    for method, action, body in [
        ("POST", "end", None),
        ("POST", "extend", {"minutes": 5}),
        ("PATCH", "", {"title": "y"}),
    ]:
        response = await partners.call(teacher, method, sid, action, json=body)
        assert response.status_code == 409, (action, response.text)
    assert {"opened", "extended", "ended"} <= set(await partners.log_actions(sid))
