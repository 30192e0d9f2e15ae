"""Time-driven notifications (twinspace/notifications/scheduler.py): a live session starting
soon is announced once, even across a restart; the daily digest goes once per user per day,
lists what is unread since the last one, leaves urgent notices (already mailed) out, and is
retried when the mail could not be handed over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.moderation.test_care_and_spread import SELF_HARM
from tests.moderation.test_pipeline import PHONE
from tests.notifications.conftest import RecordingMail, School, kinds, read_all, settle
from tests.support.world import World
from twinspace.clock import utcnow
from twinspace.notifications.scheduler import NotificationScheduler


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # the server's own scheduler runs once at start, then waits: these tests drive it
    return {"notification_tick_seconds": 3600, "digest_hour_utc": 0}


def restarted(world: World) -> NotificationScheduler:
    """A scheduler as a restarted (or second) server would have: no memory but the database."""
    services = world.services
    return NotificationScheduler(services.storage, services.notifications, services.settings)


async def test_a_session_starting_soon_is_announced_once_to_its_members(school: School) -> None:
    world = school.world
    await read_all(world, school.teacher, school.partner)
    pupil = await world.storage.pupils.get(school.pupil.id)
    assert pupil is not None and pupil.class_id is not None
    now = utcnow()
    async with world.client(school.teacher) as http:
        soon = await http.post(
            f"/api/v1/projects/{school.project.id}/live-sessions",
            json={
                "title": "River day",
                "starts_at": (now + timedelta(minutes=10)).isoformat(),
                "ends_at": (now + timedelta(minutes=70)).isoformat(),
                "class_ids": [pupil.class_id],
            },
        )
        later = await http.post(
            f"/api/v1/projects/{school.project.id}/live-sessions",
            json={
                "title": "Bridges",
                "starts_at": (now + timedelta(hours=3)).isoformat(),
                "ends_at": (now + timedelta(hours=4)).isoformat(),
                "class_ids": [pupil.class_id],
            },
        )
    assert soon.status_code == 201, soon.text
    assert later.status_code == 201, later.text
    scheduler = world.services.notification_scheduler
    assert await scheduler.remind_sessions(utcnow()) == 1
    await settle(world)
    for member in (school.teacher, school.partner, school.pupil, school.classmate):
        assert await kinds(world, member) == ["session_soon"], member.user.username
    assert await kinds(world, school.finn) == [], "the Finnish class is not in the session"
    async with world.client(school.pupil) as http:
        [reminder] = (await http.get("/api/v1/me/notifications")).json()["items"]
    assert reminder["params"]["title"] == "River day"
    assert reminder["params"]["minutes"] in {"9", "10"}
    assert reminder["link"] == f"/projects/{school.project.id}/sessions/{soon.json()['id']}"
    # again, and after a restart: nobody is told twice
    assert await scheduler.remind_sessions(utcnow()) == 0
    assert await restarted(world).remind_sessions(utcnow()) == 0
    await settle(world)
    assert await kinds(world, school.pupil) == ["session_soon"]
    # the later session's turn comes when it is near
    assert await restarted(world).remind_sessions(utcnow() + timedelta(hours=2, minutes=50)) == 1


async def test_the_digest_goes_once_a_day_with_what_is_unread(
    school: School, mail: RecordingMail
) -> None:
    world = school.world
    await read_all(world, school.teacher, school.partner)
    assert (await school.post(school.pupil, PHONE)).json()["status"] == "held"
    assert (await school.post(school.pupil, SELF_HARM)).json()["status"] == "held"
    await settle(world)
    scheduler = world.services.notification_scheduler
    assert [p["project"] for p in mail.to(school.teacher.id, "urgent_safety")] == [
        school.project.title
    ]
    services = world.services
    early = NotificationScheduler(
        services.storage,
        services.notifications,
        services.settings.model_copy(update={"digest_hour_utc": 23}),
    )
    assert await early.send_digests(utcnow().replace(hour=22)) == 0, "before the digest hour"
    assert mail.to(school.teacher.id, "digest") == []

    day_one = utcnow()
    assert await scheduler.send_digests(day_one) == 2  # the teacher and the partner
    [digest] = mail.to(school.teacher.id, "digest")
    assert digest["count"] == "2", "two held messages; the urgent notice was mailed already"
    lines = digest["items"].split("\n")
    assert len(lines) == 2 and all(line.startswith("held · ") for line in lines)
    assert school.project.title in lines[0]
    assert digest["url"].endswith("/notifications")
    assert mail.to(school.pupil.id, "digest") == [], "pupils have nothing to digest"
    # later the same day, also after a restart: no second digest
    assert (await school.post(school.pupil, f"{PHONE} again")).json()["status"] == "held"
    await settle(world)
    assert await scheduler.send_digests(day_one + timedelta(minutes=5)) == 0
    assert await restarted(world).send_digests(day_one + timedelta(hours=1)) == 0
    assert len(mail.to(school.teacher.id, "digest")) == 1
    # the next day: what came since the last digest
    day_two = day_one + timedelta(days=1)
    assert await restarted(world).send_digests(day_two) == 2
    assert [d["count"] for d in mail.to(school.teacher.id, "digest")] == ["2", "1"]
    # nothing new and unread: no digest on day three
    assert await scheduler.send_digests(day_two + timedelta(days=1)) == 0


async def test_a_digest_not_handed_over_is_tried_again(school: School) -> None:
    world = school.world
    await read_all(world, school.teacher, school.partner)

    class FailingOnce(RecordingMail):
        failed = False

        async def send_to_user(self, user_id: int, kind: str, params: dict[str, str]) -> None:
            if not self.failed:
                self.failed = True
                raise ConnectionError("mail service down")
            await super().send_to_user(user_id, kind, params)

    sink = FailingOnce()
    world.services.notifications.mail = sink
    assert (await school.post(school.pupil, PHONE)).json()["status"] == "held"
    await settle(world)
    now = utcnow()
    scheduler = world.services.notification_scheduler
    assert await scheduler.send_digests(now) == 1, "one of the two failed"
    assert await scheduler.send_digests(now + timedelta(minutes=1)) == 1, "retried"
    assert sorted(u for u, kind, _ in sink.sent if kind == "digest") == sorted(
        [school.teacher.id, school.partner.id]
    )
    assert await scheduler.send_digests(now + timedelta(minutes=2)) == 0
