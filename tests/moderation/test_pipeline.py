"""The moderation pipeline end to end: held, pre-moderated, blocked, masked, gated items."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.moderation.conftest import School
from tests.support.events import events

PHONE = "call me on +48 601 234 567 after school"


async def test_phone_number_is_held_and_published_after_approval(school: School) -> None:
    async with (
        events(
            school.world.server,
            school.project.id,
            school.classmate.token,
            channels=[school.channel.id],
        ) as classmate,
        events(
            school.world.server,
            school.project.id,
            school.teacher.token,
            channels=[school.channel.id],
        ) as teacher,
    ):
        response = await school.post(school.pupil, PHONE)
        assert response.status_code == 201
        sent = response.json()
        assert sent["status"] == "held" and sent["pending"] is True
        assert "phone number" in sent["reason"]
        assert sent["reason_code"] == "held.filter:phone", "a code the interface translates"
        notice = await teacher.next("moderation.notice")
        assert notice["data"]["item_id"] == sent["id"]
        assert PHONE not in await school.visible_texts(school.classmate)
        assert PHONE in await school.visible_texts(school.pupil), "the author sees it pending"
        [entry] = await school.queue()
        assert entry["item_id"] == sent["id"] and entry["origin"] == "filter"
        assert notice["data"]["queue_id"] == entry["id"], "the notice names its queue entry"
        [flag] = entry["flags"]
        assert flag["category"] == "phone"
        assert PHONE[flag["start"] : flag["end"]] == flag["excerpt"] == "+48 601 234 567"
        async with school.client(school.teacher) as http:
            approved = await http.post(
                f"/api/v1/projects/{school.project.id}/moderation/queue/{entry['id']}/approve",
                json={"reason": "ok"},
            )
        assert approved.status_code == 200 and approved.json()["resolution"] == "approve"
        created = await classmate.next("message.created")
        assert created["data"]["id"] == sent["id"] and created["data"]["text"] == PHONE
    assert PHONE in await school.visible_texts(school.classmate)
    assert await school.queue() == []
    assert {"held", "approve"} <= set(await school.audit_actions())


async def test_pre_moderated_channel_holds_every_pupil_message(school: School) -> None:
    async with school.client(school.teacher) as http:
        response = await http.put(
            f"/api/v1/channels/{school.channel.id}/moderation/policy", json={"mode": "pre"}
        )
    assert response.status_code == 204
    for text in ("hello everyone", "we saw the river today"):
        sent = (await school.post(school.pupil, text)).json()
        assert sent["status"] == "held" and sent["reason_code"] == "held.pre"
    teacher_message = (await school.post(school.teacher, "welcome")).json()
    assert teacher_message["status"] == "published"
    assert await school.visible_texts(school.classmate) == ["welcome"]
    assert {e["origin"] for e in await school.queue()} == {"pre"}
    other = await school.world.channel(school.project, school.teacher, name="free")
    free = (await school.post(school.pupil, "hello", channel=other)).json()
    assert free["status"] == "published", "the override is per channel"


async def test_block_and_mask_actions(school: School) -> None:
    await school.policy(
        actions={
            "offensive": "block",
            "phone": "mask",
            "email": "hold",
            "social_handle": "hold",
            "external_link": "hold",
            "address": "hold",
        }
    )
    blocked = await school.post(school.pupil, "you are a fucking idiot")
    assert blocked.status_code == 201
    assert blocked.json()["status"] == "blocked" and "not OK" in blocked.json()["reason"]
    assert blocked.json()["reason_code"] == "blocked.filter:offensive"
    masked = (await school.post(school.pupil, PHONE)).json()
    assert masked["status"] == "published" and masked["reason_code"] is None, (
        "a published item has no reason to show"
    )
    assert "601" not in masked["text"] and masked["text"].startswith("call me on ")
    assert masked["text"] in await school.visible_texts(school.classmate)
    assert {"blocked", "masked"} <= set(await school.audit_actions())


async def test_muted_pupil_is_refused_with_the_end_time(school: School) -> None:
    async with school.client(school.teacher) as http:
        muted = await http.post(
            f"/api/v1/projects/{school.project.id}/mutes",
            json={"user_id": school.pupil.id, "minutes": 30, "reason": "calm down"},
        )
        assert muted.status_code == 201
        teacher_mute = await http.post(
            f"/api/v1/projects/{school.project.id}/mutes",
            json={"user_id": school.partner.id, "minutes": 5},
        )
        assert teacher_mute.status_code == 422, "only pupils are muted"
    refused = await school.post(school.pupil, "hello")
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"] == "/problems/muted"
    until = datetime.fromisoformat(problem["until"])
    assert timedelta(minutes=29) < until - datetime.now(UTC) <= timedelta(minutes=30)
    assert (await school.post(school.classmate, "hi")).status_code == 201
    async with school.client(school.teacher) as http:
        assert (
            await http.delete(f"/api/v1/projects/{school.project.id}/mutes/{school.pupil.id}")
        ).status_code == 204
    assert (await school.post(school.pupil, "sorry")).status_code == 201
    assert {"mute", "unmute"} <= set(await school.audit_actions())


def _window_around_now(zone: str) -> dict[str, str]:
    local = datetime.now(ZoneInfo(zone))
    start, end = local - timedelta(minutes=40), local + timedelta(minutes=40)
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


async def test_quiet_hours_follow_each_pupils_school_time_zone(school: School) -> None:
    lisbon = await school.world.school("PT", timezone="Europe/Lisbon")
    baku = await school.world.school("AZ", timezone="Asia/Baku")
    lisbon_teacher = await school.world.teacher("PT", school=lisbon)
    baku_teacher = await school.world.teacher("AZ", school=baku)
    from twinspace.types import Role

    for teacher in (lisbon_teacher, baku_teacher):
        await school.world.join(school.project, teacher, Role.TEACHER)
    lisbon_pupil = (await school.world.pupils(lisbon_teacher, 1))[0]
    baku_pupil = (await school.world.pupils(baku_teacher, 1))[0]
    for pupil in (lisbon_pupil, baku_pupil):
        await school.world.join(school.project, pupil, Role.PUPIL)
    # quiet time is now in Lisbon, while Baku (four hours ahead) is awake
    await school.policy(quiet_hours=_window_around_now("Europe/Lisbon"))
    refused = await school.post(lisbon_pupil, "still up!")
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/quiet-hours"
    assert refused.json()["timezone"] == "Europe/Lisbon"
    assert (await school.post(baku_pupil, "good morning")).status_code == 201
    assert (await school.post(lisbon_teacher, "teachers are not gated")).status_code == 201


async def test_slow_mode_and_rate_limit_answer_429(school: School) -> None:
    async with school.client(school.teacher) as http:
        await http.put(
            f"/api/v1/channels/{school.channel.id}/moderation/policy",
            json={"slow_mode_seconds": 30},
        )
    assert (await school.post(school.pupil, "one")).status_code == 201
    slow = await school.post(school.pupil, "two")
    assert slow.status_code == 429 and 1 <= int(slow.headers["retry-after"]) <= 30
    assert slow.json()["rule"] == "slow-mode"
    assert (await school.post(school.teacher, "teachers are not slowed")).status_code == 201
    other = await school.world.channel(school.project, school.teacher, name="busy")
    # burst 10, then 30 a minute: post until refused; a slow machine may refill a token or two
    started = time.monotonic()
    statuses: list[int] = []
    for n in range(40):
        statuses.append(
            (await school.post(school.classmate, f"spam {n}", channel=other)).status_code
        )
        if statuses[-1] == 429:
            break
    refilled = int((time.monotonic() - started) * 30 / 60) + 1
    assert statuses[-1] == 429
    assert 10 <= statuses.count(201) <= 10 + refilled


async def test_teachers_are_not_filtered_unless_the_policy_says_so(school: School) -> None:
    assert (await school.post(school.teacher, PHONE)).json()["status"] == "published"
    await school.policy(filter_teachers=True)
    assert (await school.post(school.teacher, PHONE)).json()["status"] == "held"


async def test_link_allow_list_per_project(school: School) -> None:
    link = "look at https://www.museo-egizio.it/en/ for our project"
    assert (await school.post(school.pupil, link)).json()["status"] == "held"
    await school.policy(link_allowlist=["museo-egizio.it"])
    assert (await school.post(school.classmate, link)).json()["status"] == "published"


async def test_policy_is_for_teachers_and_validated(school: School) -> None:
    async with school.client(school.pupil) as http:
        url = f"/api/v1/projects/{school.project.id}/moderation/policy"
        assert (await http.get(url)).status_code == 403
        assert (await http.put(url, json={"mode": "off"})).status_code == 403
    async with school.client(school.teacher) as http:
        bad = await http.put(
            f"/api/v1/projects/{school.project.id}/moderation/policy", json={"mode": "sometimes"}
        )
        hours = await http.put(
            f"/api/v1/projects/{school.project.id}/moderation/policy",
            json={"quiet_hours": {"start": "25:00", "end": "07:00"}},
        )
    assert bad.status_code == hours.status_code == 422
