"""A seeded world for the hardening tests: two projects, every kind of object, one person per
actor, and factories for fresh objects so destructive requests never share state.

Actors are named relative to "this project" (project A, PL + IT founders):

- pupil: a pupil member of A, in class A1 of the teacher's school
- other-pupil: a pupil of another project (B), another school
- teacher: a member of A with the plain `teacher` role, of the pupil's school
- founder: a founder of A, of another school than the pupil's
- outside-teacher: a validated teacher of another school, not a member of A (founder of B)
- guest: an observer member of A (a validated French teacher)
- nso: the NSO of A's and the pupil's country (PL)
- other-nso: the NSO of another country (FR)
- admin: the central admin
- pending-teacher: registered (publicly, free) as a teacher of the pupil's school; the NSO
  has not validated the registration yet

Beside the actors: the teacher's colleague (a validated teacher of the same school, who
teaches class A3 and not A1/A2) and a partner pupil (a pupil of the founder's school in A).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

import httpx
from PIL import Image

from tests.support.server import LiveServer
from tests.support.world import PASSWORD, Person, World
from twinspace.boards.views import NewComment, NewPost
from twinspace.chat.views import NewMessage
from twinspace.clock import utcnow
from twinspace.labels.service import LabelApplicationForm, latest_edition
from twinspace.live_sessions.rules import NewLiveSession
from twinspace.moderation.model import ItemKind, ItemStatus
from twinspace.registry.service import TeacherRegistration
from twinspace.services.container import Services
from twinspace.storage.records import (
    BoardRecord,
    ChannelRecord,
    ClassRecord,
    PageRecord,
    ProjectRecord,
)
from twinspace.training.service import TrainingEventDetails
from twinspace.types import ChannelKind, ProjectState, Role, StaffRole, UserKind
from twinspace.workspace.access import Access

_counter = itertools.count(1)
STATEMENTS = {
    name: "We did this together."
    for name in (
        "pedagogical_innovation",
        "curriculum_integration",
        "communication",
        "collaboration",
        "use_of_technology",
    )
}
SCORES = dict.fromkeys(STATEMENTS, 8)


class Actor(StrEnum):
    ANONYMOUS = "anonymous"
    PUPIL = "pupil"
    OTHER_PUPIL = "other-pupil"
    TEACHER = "teacher"
    FOUNDER = "founder"
    OUTSIDE_TEACHER = "outside-teacher"
    GUEST = "guest"
    NSO = "nso"
    OTHER_NSO = "other-nso"
    ADMIN = "admin"
    PENDING_TEACHER = "pending-teacher"


MEMBERS = frozenset({Actor.PUPIL, Actor.TEACHER, Actor.FOUNDER, Actor.GUEST})
NON_MEMBERS = frozenset(
    {
        Actor.OTHER_PUPIL,
        Actor.OUTSIDE_TEACHER,
        Actor.NSO,
        Actor.OTHER_NSO,
        Actor.ADMIN,
        Actor.PENDING_TEACHER,
    }
)
POSTERS = frozenset({Actor.PUPIL, Actor.TEACHER, Actor.FOUNDER})  # members who may post
# validated teacher accounts (the pending teacher is a teacher account too, not validated)
TEACHER_ACCOUNTS = frozenset({Actor.TEACHER, Actor.FOUNDER, Actor.OUTSIDE_TEACHER, Actor.GUEST})


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), "seagreen").save(out, "PNG")
    return out.getvalue()


def n() -> int:
    return next(_counter)


@dataclass
class Scene:
    server: LiveServer
    world: World
    http: httpx.AsyncClient
    people: dict[Actor, Person]
    classmate: Person  # a second pupil of A (author of items others act on)
    login: Person  # signs in with a password (POST /session)
    school_class: ClassRecord  # the pupil's class (A1)
    other_class: ClassRecord  # another class of the same school (A2)
    project: ProjectRecord  # A
    other_project: ProjectRecord  # B
    ids: dict[str, Any] = field(default_factory=dict)
    # colleague: a validated teacher of the teacher's school, teaching class A3 only;
    # partner_pupil: a pupil of the founder's school, member of A
    others: dict[str, Person] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.server.services

    def person(self, actor: Actor) -> Person | None:
        return self.people.get(actor)

    def token(self, actor: Actor) -> str | None:
        person = self.person(actor)
        return person.token if person else None

    async def fresh_token(self, actor: Actor) -> str | None:
        """A session of its own, for requests that end the caller's session."""
        person = self.person(actor)
        if person is None:
            return None
        return (await self.services.accounts.start_session(person.user)).token

    # -- helpers over the services ---------------------------------------------------------

    async def access(self, person: Person, project_id: int | None = None) -> Access:
        return await self.services.access.project(person.user, project_id or self.project.id)

    async def _channel(self, channel_id: int) -> ChannelRecord:
        channel = await self.services.storage.channels.get(channel_id)
        assert channel is not None
        return channel

    async def _board(self, board_id: int) -> BoardRecord:
        board = await self.services.storage.boards.get(board_id)
        assert board is not None
        return board

    def author_for(self, actor: Actor) -> Person:
        """The caller when they may post in A, else the project's teacher."""
        return self.people[actor] if actor in POSTERS else self.people[Actor.TEACHER]

    # -- fresh objects in project A ---------------------------------------------------------

    async def fresh_project(self) -> ProjectRecord:
        """A project with the same members in the same roles as A."""
        founder = self.people[Actor.FOUNDER]
        partner = self.ids["cofounder"]
        project: ProjectRecord = await self.world.project(founder, partner)
        for actor, role in (
            (Actor.TEACHER, Role.TEACHER),
            (Actor.PUPIL, Role.PUPIL),
            (Actor.GUEST, Role.GUEST),
        ):
            await self.world.join(project, self.people[actor], role)
        await self.world.join(project, self.classmate, Role.PUPIL)
        return project

    async def fresh_page(
        self, *, locked: bool = False, deleted: bool = False, project_id: int | None = None
    ) -> PageRecord:
        access = await self.access(self.people[Actor.TEACHER], project_id)
        page: PageRecord = await self.services.pages.create(access, f"Page {n()}")
        if locked:
            page = await self.services.pages.set_locked(access, page, True)
        if deleted:
            await self.services.pages.delete(access, page)
        return page

    async def fresh_version(self, page: PageRecord) -> int:
        access = await self.access(self.people[Actor.TEACHER], page.project_id)
        version = await self.services.documents.create_version(access, page, f"v{n()}")
        return int(version.id)

    async def fresh_channel(
        self, *, archived: bool = False, project: ProjectRecord | None = None
    ) -> ChannelRecord:
        channel: ChannelRecord = await self.world.channel(
            project or self.project, self.people[Actor.TEACHER]
        )
        if archived:
            access = await self.access(self.people[Actor.TEACHER], channel.project_id)
            channel = await self.services.chat.archive_channel(access, channel, True)
        return channel

    async def fresh_board(self, *, archived: bool = False) -> BoardRecord:
        board: BoardRecord = await self.world.board(self.project, self.people[Actor.TEACHER])
        if archived:
            access = await self.access(self.people[Actor.TEACHER])
            await self.services.boards.archive(access, board, True)
        return board

    async def fresh_message(
        self, author: Person, text: str = "Hello partners!", channel_id: int | None = None
    ) -> dict[str, Any]:
        channel = await self._channel(channel_id or self.ids["channel"])
        access = await self.access(author, channel.project_id)
        view = await self.services.chat.post(access, channel, NewMessage(text=text))
        return {"id": view.id, "status": view.status}

    async def fresh_held_entry(
        self, channel_id: int | None = None, author: Person | None = None
    ) -> int:
        """An open queue entry: a classmate's message held by the filters."""
        held = await self.fresh_message(
            author or self.classmate, "write to me at zosia@example.com", channel_id
        )
        assert held["status"] is ItemStatus.HELD, held
        entries = await self.services.storage.queue.open_for_item(
            ItemKind.MESSAGE.value, held["id"]
        )
        assert entries, "the held message has no queue entry"
        return int(entries[0].id)

    async def fresh_partner_held_entry(self) -> int:
        """An open queue entry: a held message of a pupil of the founder's school."""
        return await self.fresh_held_entry(author=self.others["partner_pupil"])

    async def fresh_partner_hidden_message(self) -> int:
        return await self.fresh_hidden_message(author=self.others["partner_pupil"])

    async def fresh_colleague_pupil(self) -> Person:
        """A pupil of class A3, which the teacher's colleague teaches (not the teacher)."""
        colleague = self.others["colleague"]
        school_class = await self.services.storage.classes.get(self.ids["colleague_class"])
        assert school_class is not None
        [pupil] = await self.world.pupils(colleague, 1, school_class)
        return pupil

    async def fresh_shared_class(self) -> int:
        """A class of the teacher's that the colleague teaches too."""
        school_class = await self.world.school_class(self.people[Actor.TEACHER])
        await self.services.storage.classes.add_teacher(
            school_class.id, self.others["colleague"].id, added_by=None, now=utcnow()
        )
        return int(school_class.id)

    async def fresh_colleague(self) -> int:
        """A validated teacher of the teacher's school who teaches no class yet."""
        school = await self.services.registry.school(self.ids["school"])
        return (await self.world.teacher("PL", school=school)).id

    async def fresh_hidden_message(self, author: Person | None = None) -> int:
        message = await self.fresh_message(author or self.classmate)
        access = await self.access(self.people[Actor.TEACHER])
        await self.services.moderation.desk.set_item_status(
            access, ItemKind.MESSAGE, message["id"], ItemStatus.HIDDEN, "test", "hide"
        )
        return int(message["id"])

    async def fresh_post(self, author: Person, board_id: int | None = None) -> int:
        board = await self._board(board_id or self.ids["board"])
        access = await self.access(author, board.project_id)
        view = await self.services.boards.create_post(
            access, board, NewPost(kind="text", title=f"Post {n()}", body="Our river")
        )
        return int(view.id)

    async def fresh_comment(self, author: Person, post_id: int | None = None) -> int:
        post = await self.services.boards.record(post_id or self.ids["post"])
        board = await self._board(post.board_id)
        access = await self.access(author, board.project_id)
        view = await self.services.boards.comments.add(
            access, board, post, NewComment(text="Lovely!")
        )
        return int(view.id)

    async def fresh_section(self) -> int:
        board = await self._board(self.ids["board"])
        access = await self.access(self.people[Actor.TEACHER])
        view = await self.services.boards.sections.create(access, board, f"Column {n()}")
        return int(view.id)

    async def fresh_pupil(self, *, in_project: bool) -> Person:
        """A pupil of the teacher's school (class A1), in project A or not."""
        [pupil] = await self.world.pupils(self.people[Actor.TEACHER], 1, self.school_class)
        if in_project:
            await self.world.join(self.project, pupil, Role.PUPIL)
        return pupil

    async def fresh_muted_pupil(self) -> Person:
        pupil = await self.fresh_pupil(in_project=True)
        access = await self.access(self.people[Actor.TEACHER])
        await self.services.moderation.desk.mute(
            access, pupil.id, utcnow() + timedelta(minutes=30), "test"
        )
        return pupil

    async def fresh_teacher_member(self) -> Person:
        teacher: Person = await self.world.teacher("PL")
        await self.world.join(self.project, teacher, Role.TEACHER)
        return teacher

    async def fresh_invitation(self, invitee: Person, project: ProjectRecord) -> int:
        access = await self.access(self.people[Actor.FOUNDER], project.id)
        invitation = await self.services.projects.invite(
            access, invitee.id, Role.TEACHER, "join us"
        )
        return int(invitation.id)

    async def fresh_registration(self) -> int:
        """A teacher of the pupil's school who registered; not validated yet."""
        k = n()
        user, _teacher = await self.services.registry.register_teacher(
            TeacherRegistration(
                username=f"pending{k}",
                password=PASSWORD,
                display_name=f"Pending {k}",
                email=f"pending{k}@school.example",
                staff_role=StaffRole.TEACHER,
                school_id=self.ids["school"],
            )
        )
        return int(user.id)

    async def fresh_pending_guest(self) -> int:
        """An observer of A whose teacher registration is not validated."""
        user_id = await self.fresh_registration()
        await self.services.storage.memberships.add(
            project_id=self.project.id,
            user_id=user_id,
            role=Role.GUEST,
            added_by=None,
            now=utcnow(),
        )
        return user_id

    async def fresh_archived(self, author: Person) -> dict[str, int]:
        """An archived project like A, with a channel, a board, a page, and a message, a
        post and a comment by `author` made before it was archived."""
        project = await self.fresh_project()
        teacher = self.people[Actor.TEACHER]
        channel = await self.fresh_channel(project=project)
        board: BoardRecord = await self.world.board(project, teacher)
        page = await self.fresh_page(project_id=project.id)
        message = await self.fresh_message(author, channel_id=channel.id)
        post = await self.fresh_post(author, board.id)
        comment = await self.fresh_comment(author, post)
        await self.services.storage.projects.set_state(project.id, ProjectState.ARCHIVED, utcnow())
        return {
            "arch_project": project.id,
            "arch_channel": channel.id,
            "arch_board": board.id,
            "arch_page": page.id,
            "arch_message": message["id"],
            "arch_post": post,
            "arch_comment": comment,
        }

    async def fresh_event(self, *, started: bool = False, european: bool = False) -> int:
        """An event organised by the PL NSO (for Poland), or a Europe-wide one by the admin;
        enrolment is open now."""
        now = utcnow()
        if started:
            times = (
                now - timedelta(days=2),
                now + timedelta(days=1),
                now - timedelta(days=1),
                now + timedelta(days=2),
            )
        else:
            times = (
                now - timedelta(days=1),
                now + timedelta(days=5),
                now + timedelta(days=6),
                now + timedelta(days=7),
            )
        details = TrainingEventDetails.model_validate(
            {
                "kind": "online_course_weekly",
                "title": f"Course {n()}",
                "language": "en",
                "format": "online",
                "link": "https://training.example/course",
                "capacity": 50,
                "enrol_opens_at": times[0],
                "enrol_closes_at": times[1],
                "starts_at": times[2],
                "ends_at": times[3],
            }
        )
        organiser = self.people[Actor.ADMIN if european else Actor.NSO]
        event = await self.services.training.create_event(organiser.user, details)
        return int(event.id)

    async def enrol(self, actor: Actor, event_id: int) -> None:
        if actor in TEACHER_ACCOUNTS:
            await self.services.training.enrol(self.people[actor].user, event_id)

    async def fresh_attendee(self) -> tuple[int, int]:
        """(event id, teacher id): a started event with the teacher's confirmed seat."""
        event_id = await self.fresh_event(started=True)
        teacher = self.people[Actor.TEACHER]
        await self.services.training.enrol(teacher.user, event_id)
        return event_id, teacher.id

    async def fresh_certificate(self) -> str:
        event_id, teacher_id = await self.fresh_attendee()
        seat = await self.services.training.record_attendance(
            self.people[Actor.NSO].user, event_id, teacher_id, attended=True, completed=True
        )
        assert seat.certificate is not None
        return str(seat.certificate.code)

    async def fresh_application(self) -> int:
        """The teacher's NQL application for a fresh project (one open per project)."""
        project = await self.fresh_project()
        application = await self.services.labels.apply(
            self.people[Actor.TEACHER].user,
            LabelApplicationForm.model_validate(
                {"project_id": project.id, "statements": STATEMENTS}
            ),
        )
        return int(application.id)

    async def fresh_session(self, *, live: bool = False, read_only: bool = False) -> int:
        """A live session of A for the pupil's class, with spaces of its own (so A's shared
        channel, board and page stay open to pupils)."""
        access = await self.access(self.people[Actor.TEACHER])
        now = utcnow()
        form = NewLiveSession.model_validate(
            {
                "title": f"Session {n()}",
                "starts_at": now + timedelta(hours=1),
                "ends_at": now + timedelta(hours=2),
                "class_ids": [self.school_class.id],
            }
        )
        service = self.services.live_sessions
        session = await service.schedule(access, form)
        if live:
            session = await service.open(access, session)
        if read_only:
            session = await service.set_read_only(access, session, True)
        return int(session.id)

    async def join_code(self, session_id: int) -> str:
        classes = await self.services.storage.live_sessions.classes.of_session(session_id)
        [entry] = [c for c in classes if c.class_id == self.school_class.id]
        return str(entry.code)

    def format(self, template: str, extra: Mapping[str, object] | None = None) -> str:
        return template.format_map({**self.ids, **(extra or {})})


async def build_scene(server: LiveServer, http: httpx.AsyncClient) -> Scene:
    world = World(server)
    services = server.services
    teacher = await world.teacher("PL")
    school_class = await world.school_class(teacher, "A1")
    other_class = await world.school_class(teacher, "A2")
    pupil, classmate = await world.pupils(teacher, 2, school_class)
    founder, cofounder = await world.teacher("PL"), await world.teacher("IT")
    guest = await world.teacher("FR")
    outsider, outsider_partner = await world.teacher("PL"), await world.teacher("IT")
    project = await world.project(founder, cofounder)
    other_project = await world.project(outsider, outsider_partner)
    [other_pupil] = await world.pupils(outsider, 1)
    await world.join(other_project, other_pupil, Role.PUPIL)
    for person, role in (
        (teacher, Role.TEACHER),
        (pupil, Role.PUPIL),
        (classmate, Role.PUPIL),
        (guest, Role.GUEST),
    ):
        await world.join(project, person, role)
    people = {
        Actor.PUPIL: pupil,
        Actor.OTHER_PUPIL: other_pupil,
        Actor.TEACHER: teacher,
        Actor.FOUNDER: founder,
        Actor.OUTSIDE_TEACHER: outsider,
        Actor.GUEST: guest,
        Actor.NSO: await world.staff(UserKind.NSO, "PL"),
        Actor.OTHER_NSO: await world.staff(UserKind.NSO, "FR"),
        Actor.ADMIN: await world.staff(UserKind.ADMIN),
    }
    scene = Scene(
        server,
        world,
        http,
        people,
        classmate,
        await world.teacher("PL"),
        school_class,
        other_class,
        project,
        other_project,
    )
    ids = scene.ids
    ids.update(
        project=project.id,
        other_project=other_project.id,
        cofounder=cofounder,
        school=teacher.user.school_id,
        school_class=school_class.id,
        teacher_id=teacher.id,
        pupil_id=pupil.id,
        year=latest_edition(utcnow()),
    )
    colleague = await world.teacher(
        "PL", school=await services.registry.school(teacher.user.school_id or 0)
    )
    colleague_class = await world.school_class(colleague, "A3")
    [partner_pupil] = await world.pupils(founder, 1)
    await world.join(project, partner_pupil, Role.PUPIL)
    scene.others.update(colleague=colleague, partner_pupil=partner_pupil)
    ids.update(colleague_id=colleague.id, colleague_class=colleague_class.id)
    pending = await services.storage.users.get(await scene.fresh_registration())
    assert pending is not None
    session = await services.accounts.start_session(pending)
    people[Actor.PENDING_TEACHER] = Person(user=pending, token=session.token)
    ids["pending_teacher_id"] = pending.id

    ids["channel"] = (await world.channel(project, teacher, name="general")).id
    ids["staff_channel"] = (
        await world.channel(project, teacher, kind=ChannelKind.STAFF, name="staff room")
    ).id
    ids["class_channel"] = (
        await world.channel(
            project, teacher, kind=ChannelKind.CLASS, class_id=school_class.id, name="A1"
        )
    ).id
    ids["other_class_channel"] = (
        await world.channel(
            project, teacher, kind=ChannelKind.CLASS, class_id=other_class.id, name="A2"
        )
    ).id
    ids["board"] = (await world.board(project, teacher, title="Photos")).id
    ids["section"] = await scene.fresh_section()
    ids["post"] = await scene.fresh_post(teacher)
    ids["comment"] = await scene.fresh_comment(teacher)
    page = await scene.fresh_page()
    ids.update(page=page.id, room=page.room, version=await scene.fresh_version(page))
    deleted = await scene.fresh_page(deleted=True)
    ids.update(deleted_page=deleted.id, deleted_room=deleted.room)
    ids["message"] = (await scene.fresh_message(teacher))["id"]
    ids["staff_message"] = (
        await scene.fresh_message(teacher, "for teachers", ids["staff_channel"])
    )["id"]
    ids["other_class_message"] = (
        await scene.fresh_message(teacher, "for class A2", ids["other_class_channel"])
    )["id"]
    held = await scene.fresh_message(classmate, "call me on 601 234 567")
    assert held["status"] is ItemStatus.HELD, held
    ids["held_message"] = held["id"]

    # uploads: one shown in a published post, one not attached to anything
    headers = {"Authorization": f"Bearer {teacher.token}"}
    for key in ("media", "loose_media"):
        uploaded = await http.post(
            f"/api/v1/boards/{ids['board']}/media",
            headers=headers,
            files={"file": (f"{key}.png", tiny_png(), "image/png")},
        )
        assert uploaded.status_code == 201, uploaded.text
        ids[key] = uploaded.json()["id"]
    board = await scene._board(ids["board"])
    shown = await services.boards.create_post(
        await scene.access(teacher),
        board,
        NewPost(kind="image", title="Our bridge", media_id=ids["media"]),
    )
    assert shown.status is ItemStatus.PUBLISHED

    ids["event"] = await scene.fresh_event()
    ids["certificate"] = await scene.fresh_certificate()
    application = await services.labels.apply(
        teacher.user,
        LabelApplicationForm.model_validate({"project_id": project.id, "statements": STATEMENTS}),
    )
    ids["application"] = application.id

    ids["live_session"] = await scene.fresh_session()

    archived = await scene.fresh_project()
    ids["archived_project"] = archived.id
    ids["archived_channel"] = (await scene.fresh_channel(project=archived)).id
    await services.storage.projects.set_state(archived.id, ProjectState.ARCHIVED, utcnow())
    return scene
