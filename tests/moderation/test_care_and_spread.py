"""Issue 16 in the pipeline: self-harm is held quietly with an urgent notice to the pupil's
own teachers; contact data split over a pupil's consecutive messages is held."""

from __future__ import annotations

import pytest

from tests.moderation.conftest import School
from tests.support.events import events
from twinspace.moderation.recent import RecentMessages

SELF_HARM = "honestly I just want to die, nothing matters"


async def test_self_harm_is_held_quietly_and_the_pupils_teachers_get_an_urgent_notice(
    school: School,
) -> None:
    # Even a policy that blocks everything never shows the pupil a "blocked" message for it.
    await school.policy(actions={"offensive": "block", "self_harm": "block"})
    server, project = school.world.server, school.project.id
    async with (
        events(server, project, school.teacher.token) as teacher,
        events(server, project, school.partner.token) as partner,
    ):
        response = await school.post(school.pupil, SELF_HARM)
        assert response.status_code == 201
        sent = response.json()
        assert sent["status"] == "held"
        assert sent["reason_code"] == "held.care"
        assert sent["reason"] == "a teacher will read your message soon"
        assert "block" not in response.text and "not OK" not in response.text
        urgent = await teacher.next(
            "moderation.notice", where=lambda e: e["data"]["kind"] == "urgent"
        )
        assert urgent["data"]["urgent"] is True
        assert urgent["data"]["item_id"] == sent["id"]
        assert urgent["data"]["category"] == "self_harm"
        assert urgent["data"]["author"]["id"] == school.pupil.id
        # The Finnish partner teacher is not the pupil's teacher: the usual notice only.
        held = await partner.next("moderation.notice", where=lambda e: e["data"]["kind"] == "held")
        assert held["data"]["item_id"] == sent["id"]
        with pytest.raises(TimeoutError):
            await partner.next(
                "moderation.notice", where=lambda e: e["data"]["kind"] == "urgent", wait=0.5
            )
    assert SELF_HARM not in await school.visible_texts(school.classmate)
    assert SELF_HARM in await school.visible_texts(school.pupil), "the author sees it pending"
    [entry] = await school.queue()
    assert entry["item_id"] == sent["id"]
    assert {flag["category"] for flag in entry["flags"]} == {"self_harm"}
    assert "urgent_notice" in await school.audit_actions()


async def test_a_teacher_writing_about_self_harm_is_not_held(school: School) -> None:
    sent = (await school.post(school.teacher, "if anyone says 'I want to die', tell me")).json()
    assert sent["status"] == "published"


async def test_a_phone_number_split_over_two_messages_is_held(school: School) -> None:
    first = (await school.post(school.pupil, "my number is 601 234")).json()
    assert first["status"] == "published", "six digits alone are no phone number"
    other = (await school.post(school.classmate, "567")).json()
    assert other["status"] == "published", "another pupil's message does not continue it"
    second = await school.post(school.pupil, "567")
    assert second.status_code == 201
    held = second.json()
    assert held["status"] == "held" and held["reason_code"] == "held.filter:phone"
    [entry] = await school.queue()
    assert entry["item_id"] == held["id"]
    [flag] = entry["flags"]
    assert flag["category"] == "phone"
    assert "spread over 2 messages" in flag["reason"] and "601 234 567" in flag["reason"]
    assert flag["excerpt"] == "567"


async def test_an_e_mail_address_split_over_messages_is_held(school: School) -> None:
    for part in ("write to ola.nowak", "at gmail"):
        assert (await school.post(school.pupil, part)).json()["status"] == "published"
    held = (await school.post(school.pupil, "dot com")).json()
    assert held["status"] == "held" and held["reason_code"] == "held.filter:email"


async def test_a_home_address_split_over_messages_is_held(school: School) -> None:
    """The street in one message and the house number in the next (issue 16, item 4)."""
    first = (await school.post(school.pupil, "wpadnij po szkole, mieszkam na ul. Długiej")).json()
    assert first["status"] == "published", "a street without a number is no address"
    held = (await school.post(school.pupil, "5/3")).json()
    assert held["status"] == "held" and held["reason_code"] == "held.filter:address"
    [entry] = await school.queue()
    [flag] = entry["flags"]
    assert flag["category"] == "address" and "spread over 2 messages" in flag["reason"]


def test_recent_messages_forget_after_the_window_and_keep_few() -> None:
    recent = RecentMessages(window=60, keep=2, max_keys=2)
    key = (1, "channel", 7)
    recent.add(key, "601", now=0)
    recent.add(key, "234", now=10)
    recent.add(key, "567", now=20)
    assert recent.before(key, now=30) == ["234", "567"], "only the last two"
    assert recent.before(key, now=75) == ["567"], "234 is older than the window"
    assert recent.before(key, now=200) == []
    recent.add((2, "channel", 7), "a", now=0)
    recent.add((3, "channel", 7), "b", now=0)
    assert recent.before(key, now=0) == [], "the oldest author was dropped past max_keys"
