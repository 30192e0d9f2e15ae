"""Each notification kind reaches the right people only (docs/notifications.md, "Kinds"):
held items and reports the project's moderators, urgent safety notices the pupil's own
teachers (and their inbox at once), replies and mentions the members who can see the item;
pupils never get teacher notices and outsiders get nothing. Reading and marking read."""

from __future__ import annotations

from tests.moderation.test_care_and_spread import SELF_HARM
from tests.moderation.test_pipeline import PHONE
from tests.notifications.conftest import (
    RecordingMail,
    School,
    kinds,
    notifications,
    read_all,
    settle,
)
from tests.support.world import World
from twinspace.types import ChannelKind, TeacherStatus, UserKind


async def test_a_held_pupil_message_reaches_the_moderators_only(
    school: School, mail: RecordingMail
) -> None:
    world = school.world
    outsider = await world.teacher("PL")
    sent = (await school.post(school.pupil, PHONE)).json()
    assert sent["status"] == "held"
    await settle(world)
    for teacher in (school.teacher, school.partner):
        page = await notifications(world, teacher)
        [held] = [n for n in page["items"] if n["kind"] != "invitation"]  # co-founding
        assert held["kind"] == "held" and held["read"] is False and held["urgent"] is False
        assert held["project_id"] == school.project.id
        assert held["link"] == f"/projects/{school.project.id}/desk"
        assert held["params"]["item"] == "message"
        assert held["params"]["author"] == school.pupil.user.display_name
        assert held["params"]["project"] == school.project.title
        assert held["params"]["channel_id"] == str(school.channel.id)
        assert page["unread"] == len(page["items"])
        assert PHONE not in str(held), "codes and names, never the pupil's words"
    for nobody in (school.pupil, school.classmate, school.finn, outsider):
        assert await kinds(world, nobody) == []
    assert mail.sent == [], "a held item waits for the digest"


async def test_a_report_reaches_the_moderators_not_the_reporter(school: School) -> None:
    world = school.world
    await read_all(world, school.partner)
    message = (await school.post(school.classmate, "you are so slow")).json()
    async with world.client(school.pupil) as http:
        reported = await http.post(
            f"/api/v1/projects/{school.project.id}/reports",
            json={"item_kind": "message", "item_id": message["id"], "reason": "rude to me"},
        )
    assert reported.status_code == 201
    await settle(world)
    for teacher in (school.teacher, school.partner):
        [report] = (await notifications(world, teacher, unread="true"))["items"]
        assert report["kind"] == "reported"
        assert report["params"]["reporter"] == school.pupil.user.display_name
        [entry] = await school.queue()
        assert report["params"]["queue_id"] == str(entry["id"])
    for pupil in (school.pupil, school.classmate, school.finn):
        assert await kinds(world, pupil) == []


async def test_an_urgent_safety_notice_is_mailed_at_once_to_the_pupils_own_teachers(
    school: School, mail: RecordingMail
) -> None:
    world = school.world
    await read_all(world, school.partner)
    sent = (await school.post(school.pupil, SELF_HARM)).json()
    assert sent["status"] == "held"
    await settle(world)
    teacher_kinds = await kinds(world, school.teacher)
    assert sorted(teacher_kinds) == ["held", "urgent_safety"]
    urgent = next(n for n in (await notifications(world, school.teacher))["items"] if n["urgent"])
    assert urgent["kind"] == "urgent_safety"
    assert urgent["link"] == f"/projects/{school.project.id}/desk"
    # the Finnish partner is not the pupil's teacher: the held item only, no e-mail
    assert await kinds(world, school.partner) == ["held"]
    [urgent_mail] = mail.to(school.teacher.id, "urgent_safety")
    assert urgent_mail["project"] == school.project.title
    assert urgent_mail["url"].endswith(f"/projects/{school.project.id}/desk")
    assert SELF_HARM not in str(mail.sent), "the pupil's words stay out of e-mail"
    assert mail.to(school.partner.id, "urgent_safety") == []
    assert all(u != school.pupil.id for u, _k, _p in mail.sent)
    for pupil in (school.pupil, school.classmate):
        assert await kinds(world, pupil) == []


async def test_replies_and_mentions_reach_members_who_can_see_them(school: School) -> None:
    world = school.world
    outsider = await world.teacher("PL")
    first = (await school.post(school.teacher, "What did you see at the river?")).json()
    async with world.client(school.pupil) as http:
        reply = await http.post(
            f"/api/v1/channels/{school.channel.id}/messages",
            json={"text": "ducks and a heron", "parent_id": first["id"]},
        )
    assert reply.status_code == 201 and reply.json()["status"] == "published"
    await settle(world)
    [replied] = (await notifications(world, school.teacher))["items"]
    assert replied["kind"] == "reply" and replied["params"]["parent"] == "message"
    assert replied["link"] == f"/projects/{school.project.id}/chat/{school.channel.id}"
    assert replied["params"]["author"] == school.pupil.user.display_name

    classmate, finn = school.classmate.user.username, school.finn.user.username
    text = (
        f"@{classmate.upper()}, look! cc @{finn}. @{outsider.user.username} and @{classmate} again"
    )
    # a teacher's mentions publish at once (a pupil's `@name` is held as a possible social
    # handle: see test_a_mention_in_a_held_message_waits_for_approval)
    await read_all(world, school.partner)
    mentioned = (await school.post(school.teacher, text)).json()
    assert mentioned["status"] == "published", mentioned["reason_code"]
    await settle(world)
    assert await kinds(world, school.classmate) == ["mention"]
    assert await kinds(world, school.finn) == ["mention"]
    assert await kinds(world, outsider) == [], "not a member"
    assert await kinds(world, school.teacher) == ["reply"], "no notice of your own words"
    assert await kinds(world, school.partner) == []

    # a teachers' channel: a pupil mentioned there cannot open it, so is not told
    staff = await world.channel(school.project, school.teacher, kind=ChannelKind.STAFF)
    await school.post(school.teacher, f"@{classmate} needs help with maths", staff)
    await settle(world)
    assert await kinds(world, school.classmate) == ["mention"]

    # a comment on a pupil's board post is a reply to its author
    async with world.client(school.finn) as http:
        post = await http.post(
            f"/api/v1/boards/{school.board.id}/posts", json={"kind": "text", "body": "our bridge"}
        )
    assert post.status_code == 201, post.text
    async with world.client(school.teacher) as http:
        comment = await http.post(
            f"/api/v1/posts/{post.json()['id']}/comments", json={"text": "well built!"}
        )
    assert comment.status_code == 201, comment.text
    await settle(world)
    kinds_of_finn = await kinds(world, school.finn)
    assert kinds_of_finn == ["reply", "mention"]
    [board_reply] = (await notifications(world, school.finn, limit=1))["items"]
    assert board_reply["link"] == f"/projects/{school.project.id}/boards/{school.board.id}"


async def test_a_mention_in_a_held_message_waits_for_approval(school: School) -> None:
    world = school.world
    text = f"@{school.classmate.user.username} {PHONE}"
    sent = (await school.post(school.pupil, text)).json()
    assert sent["status"] == "held"
    await settle(world)
    assert await kinds(world, school.classmate) == []
    [entry] = await school.queue()
    async with world.client(school.teacher) as http:
        approved = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/queue/{entry['id']}/approve",
            json={"reason": "ok"},
        )
    assert approved.status_code == 200
    await settle(world)
    assert await kinds(world, school.classmate) == ["mention"]


async def test_invitations_registrations_labels_and_training_seats(world: World) -> None:
    project, pl, it = await world.european_project()
    await read_all(world, it)
    partner = await world.teacher("FR")
    async with world.client(pl) as http:
        invited = await http.post(
            f"/api/v1/projects/{project.id}/invitations",
            json={"user_id": partner.id, "role": "teacher", "message": "join us"},
        )
    assert invited.status_code == 201, invited.text
    [invitation] = (await notifications(world, partner))["items"]
    assert invitation["kind"] == "invitation"
    assert invitation["params"] == {
        "project": project.title,
        "inviter": pl.user.display_name,
        "role": "teacher",
    }

    pending = await world.teacher("PL", status=TeacherStatus.PENDING)
    refused = await world.teacher("PL", status=TeacherStatus.PENDING)
    nso = await world.staff(UserKind.NSO, "PL")
    async with world.client(nso) as http:
        assert (
            await http.post(f"/api/v1/registrations/{pending.id}/validate", json={})
        ).status_code == 200
        assert (
            await http.post(
                f"/api/v1/registrations/{refused.id}/reject", json={"reason": "not a teacher"}
            )
        ).status_code == 200
    assert await kinds(world, pending) == ["registration_validated"]
    assert await kinds(world, refused) == ["registration_rejected"]

    from tests.labels.test_labels import apply, review

    async with world.server.client() as http:
        application = (await apply(http, pl, project)).json()
        assert (await review(http, nso, application["id"])).status_code == 200
    [label] = (await notifications(world, pl))["items"]
    assert label["kind"] == "label_awarded" and label["link"] == "/labels"
    assert await kinds(world, it) == [], "the partner did not apply"

    from tests.training.events import cancel, create_event, enrol

    full = await create_event(world, nso, capacity=1, title="Safe internet")
    seated, waiting = await world.teacher("PL"), await world.teacher("PL")
    async with world.server.client() as http:
        assert (await enrol(http, full["id"], seated)).json()["status"] == "confirmed"
        assert (await enrol(http, full["id"], waiting)).json()["status"] == "waiting"
        assert await kinds(world, waiting) == []
        assert (await cancel(http, full["id"], seated)).status_code == 200
    [seat] = (await notifications(world, waiting))["items"]
    assert seat["kind"] == "training_seat"
    assert seat["params"]["event"] == "Safe internet" and seat["link"] == "/training"
    assert await kinds(world, seated) == []


async def test_paging_and_marking_read(school: School) -> None:
    world = school.world
    for n in range(5):
        await school.post(school.pupil, f"{PHONE} #{n}")
    page = await notifications(world, school.teacher, limit=2)
    assert page["unread"] == 5 and len(page["items"]) == 2
    ids = [n["id"] for n in page["items"]]
    assert ids == sorted(ids, reverse=True), "newest first"
    older = await notifications(world, school.teacher, limit=10, before=page["next_before"])
    assert len(older["items"]) == 3 and older["next_before"] is None
    assert max(n["id"] for n in older["items"]) < min(ids)
    async with world.client(school.teacher) as http:
        read = await http.post(f"/api/v1/me/notifications/{ids[0]}/read")
        assert read.status_code == 200 and read.json()["read"] is True
        again = await http.post(f"/api/v1/me/notifications/{ids[0]}/read")
        assert again.status_code == 200, "marking read twice is harmless"
        assert (await http.get("/api/v1/me/notifications/unread")).json() == {"unread": 4}
        unread_only = await http.get("/api/v1/me/notifications", params={"unread": "true"})
        assert ids[0] not in [n["id"] for n in unread_only.json()["items"]]
    async with world.client(school.partner) as http:
        foreign = await http.post(f"/api/v1/me/notifications/{ids[1]}/read")
        assert foreign.status_code == 404, "someone else's notification does not exist"
        assert foreign.headers["content-type"].startswith("application/problem+json")
    async with world.client(school.teacher) as http:
        assert (await http.get("/api/v1/me/notifications/unread")).json() == {"unread": 4}
        everything = await http.post("/api/v1/me/notifications/read")
        assert everything.json() == {"unread": 0}
        bad = await http.get("/api/v1/me/notifications", params={"limit": 0})
        assert bad.status_code == 422
    async with world.client() as anonymous:
        assert (await anonymous.get("/api/v1/me/notifications")).status_code == 401
        assert (await anonymous.post("/api/v1/me/notifications/read")).status_code == 401
