"""Time-driven notifications: a live session starting soon is announced once (the live
sessions' clock) and an added class's teachers are invited; the daily digest goes once per
user per day, lists what is unread since the last one, leaves urgent notices (already
mailed) out, and is retried when the mail could not be handed over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.moderation.test_care_and_spread import SELF_HARM
from tests.moderation.test_pipeline import PHONE
from tests.notifications.conftest import RecordingMail, School, kinds, read_all, settle
from tests.support.poll import eventually
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


async def _schedule(school: School, title: str, starts_in: timedelta, class_id: int) -> int:
    now = utcnow()
    async with school.world.client(school.teacher) as http:
        created = await http.post(
            f"/api/v1/projects/{school.project.id}/live-sessions",
            json={
                "title": title,
                "starts_at": (now + starts_in).isoformat(),
                "ends_at": (now + starts_in + timedelta(hours=1)).isoformat(),
                "class_ids": [class_id],
            },
        )
    assert created.status_code == 201, created.text
    session_id: int = created.json()["id"]
    return session_id


async def test_a_session_starting_soon_is_announced_once_to_its_people(school: School) -> None:
    """The live sessions' clock publishes "starting soon" once per session (it claims
    `reminded_at`); its teachers and its classes' pupils are told, nobody else."""
    world = school.world
    await read_all(world, school.teacher, school.partner)
    pupil = await world.storage.pupils.get(school.pupil.id)
    assert pupil is not None and pupil.class_id is not None
    soon = await _schedule(school, "River day", timedelta(minutes=10), pupil.class_id)
    await _schedule(school, "Bridges", timedelta(hours=3), pupil.class_id)

    async def told() -> bool:
        await settle(world)
        return await kinds(world, school.pupil) == ["session_soon"]

    await eventually(told, within=15)
    for person in (school.teacher, school.classmate):
        assert await kinds(world, person) == ["session_soon"], person.user.username
    assert await kinds(world, school.finn) == [], "the Finnish class is not in the session"
    assert await kinds(world, school.partner) == [], "no class of the partner takes part"
    async with world.client(school.pupil) as http:
        [reminder] = (await http.get("/api/v1/me/notifications")).json()["items"]
    assert reminder["params"]["title"] == "River day"
    assert reminder["params"]["minutes"] in {"9", "10"}
    assert reminder["link"] == f"/projects/{school.project.id}/sessions/{soon}"
    # the clock claims each session once: a later session is not told yet, nothing twice
    session = await world.storage.live_sessions.get(soon)
    assert session is not None and session.reminded_at is not None
    await settle(world)
    assert await kinds(world, school.pupil) == ["session_soon"]


async def test_teachers_of_an_added_class_are_invited(school: School) -> None:
    world = school.world
    await read_all(world, school.teacher, school.partner)
    pupil = await world.storage.pupils.get(school.pupil.id)
    finn = await world.storage.pupils.get(school.finn.id)
    assert pupil is not None and pupil.class_id is not None
    assert finn is not None and finn.class_id is not None
    session_id = await _schedule(school, "Lakes", timedelta(days=2), pupil.class_id)
    async with world.client(school.teacher) as http:
        added = await http.post(
            f"/api/v1/live-sessions/{session_id}/classes", json={"class_ids": [finn.class_id]}
        )
    assert added.status_code == 200, added.text

    async def invited() -> bool:
        await settle(world)
        return await kinds(world, school.partner) == ["session_invited"]

    await eventually(invited, within=10)
    async with world.client(school.partner) as http:
        listed = await http.get("/api/v1/me/notifications", params={"unread": "true"})
    [notice] = listed.json()["items"]
    assert notice["params"]["title"] == "Lakes"
    assert notice["link"] == f"/projects/{school.project.id}/sessions/{session_id}"
    assert await kinds(world, school.teacher) == [], "not the one who added the class"
    assert await kinds(world, school.finn) == [], "pupils are not invited, their teacher is"


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
    # still day one however late it runs (a run at 23:55 UTC must not cross midnight)
    end_of_day = day_one.replace(hour=23, minute=59, second=59, microsecond=999_999)
    assert await scheduler.send_digests(min(day_one + timedelta(minutes=5), end_of_day)) == 0
    assert await restarted(world).send_digests(min(day_one + timedelta(hours=1), end_of_day)) == 0
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
