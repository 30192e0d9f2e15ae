"""The one place that decides who may do what inside a TwinSpace (docs/design.md, "Roles").

Every HTTP and websocket handler asks here. Non-members get NotFound, never Forbidden, so a
project's existence does not leak; a member lacking a permission gets Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from twinspace.errors import Forbidden, NotFound, Problem, RuleViolation
from twinspace.storage import Storage
from twinspace.storage.batched import BatchedReads
from twinspace.storage.records import (
    BoardRecord,
    ChannelRecord,
    ClassRecord,
    PageRecord,
    ProjectRecord,
    UserRecord,
)
from twinspace.types import (
    TEACHER_ROLES,
    ChannelKind,
    ProjectState,
    Role,
    TeacherStatus,
    UserKind,
)


class Action(StrEnum):
    READ = "read"  # pages, channels, boards open to the role
    READ_STAFF = "read_staff"  # teacher-only spaces
    EDIT_PAGE = "edit_page"  # an unlocked page
    EDIT_LOCKED_PAGE = "edit_locked_page"
    MANAGE_SPACES = "manage_spaces"  # create/rename/lock pages, channels, boards
    POST = "post"  # chat and boards (pupils through moderation)
    MANAGE_PUPILS = "manage_pupils"  # add pupils, reset their passwords
    MODERATE = "moderate"
    SET_MODERATION_POLICY = "set_moderation_policy"  # project policy and space overrides
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PROJECT = "manage_project"  # settings and state
    REPORT = "report"


_TEACHER = frozenset(
    {
        Action.READ,
        Action.READ_STAFF,
        Action.EDIT_PAGE,
        Action.EDIT_LOCKED_PAGE,
        Action.MANAGE_SPACES,
        Action.POST,
        Action.MANAGE_PUPILS,
        Action.MODERATE,
        Action.REPORT,
    }
)
_PROJECT_ADMIN = _TEACHER | {
    Action.MANAGE_MEMBERS,
    Action.MANAGE_PROJECT,
    Action.SET_MODERATION_POLICY,
}
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.FOUNDER: _PROJECT_ADMIN,
    Role.TEACHER_ADMIN: _PROJECT_ADMIN,
    Role.TEACHER: _TEACHER,
    Role.PUPIL: frozenset({Action.READ, Action.EDIT_PAGE, Action.POST, Action.REPORT}),
    Role.GUEST: frozenset({Action.READ, Action.REPORT}),
}
# What an archived or closed (read-only) project still allows.
READ_ONLY_ACTIONS = frozenset(
    {
        Action.READ,
        Action.READ_STAFF,
        Action.MANAGE_PROJECT,
        Action.MANAGE_MEMBERS,
        Action.MODERATE,
        Action.SET_MODERATION_POLICY,
    }
)


def may_organise_for(user: UserRecord, country: str | None) -> bool:
    """Country-level organising (training events, competitions): an NSO for its own country
    only; Europe-wide (`country` None) and any other country is the central admin's
    (docs/etwinning-rules.md)."""
    if user.kind is UserKind.ADMIN:
        return True
    return user.kind is UserKind.NSO and country is not None and user.country == country


class PupilItemDeciders(StrEnum):
    """Who decides on a pupil's item (publish, reject, restore, dismiss), per project policy.

    Taking an item out of view (hide) stays open to every teacher of the project: it protects
    and the pupil's own teachers can restore it. See docs/design.md, "Moderation authority"."""

    OWN_SCHOOL = "own_school"  # founders and the teachers of the pupil's own school
    ANY_TEACHER = "any_teacher"  # every teacher role of the project


@dataclass(frozen=True, slots=True)
class Access:
    """A member's standing in one project."""

    user: UserRecord
    project: ProjectRecord
    role: Role

    @property
    def is_teacher(self) -> bool:
        return self.role in TEACHER_ROLES

    @property
    def read_only_project(self) -> bool:
        return self.project.state is not ProjectState.ACTIVE

    def can(self, action: Action) -> bool:
        if action not in ROLE_ACTIONS[self.role]:
            return False
        return not self.read_only_project or action in READ_ONLY_ACTIONS

    def require(self, action: Action) -> None:
        if not self.can(action):
            if self.read_only_project and action in ROLE_ACTIONS[self.role]:
                raise Forbidden(
                    f"the project is {self.project.state.value} (read-only)",
                    problem=Problem.PROJECT_READ_ONLY,
                )
            verb = action.value.replace("_", " ")
            raise Forbidden(
                f"your role ({self.role.value}) may not {verb}",
                problem=Problem.ROLE_NOT_ALLOWED,
            )

    def can_edit_page(self, page: PageRecord) -> bool:
        if page.deleted_at is not None:
            return False
        return self.can(Action.EDIT_LOCKED_PAGE if page.locked else Action.EDIT_PAGE)

    def may_decide_on_item(self, author: UserRecord | None, deciders: PupilItemDeciders) -> bool:
        """Whether this member may publish, reject, restore or dismiss an item by `author`.

        Items by teachers (or by erased authors) are decided by every moderator; a pupil's
        item by founders and, unless the project opened it to every teacher, by the
        teachers of the pupil's own school."""
        if not self.can(Action.MODERATE):
            return False
        if author is None or author.kind is not UserKind.PUPIL:
            return True
        if deciders is PupilItemDeciders.ANY_TEACHER or self.role is Role.FOUNDER:
            return True
        return self.user.school_id is not None and self.user.school_id == author.school_id

    def require_decision_on_item(
        self, author: UserRecord | None, deciders: PupilItemDeciders
    ) -> None:
        self.require(Action.MODERATE)
        if not self.may_decide_on_item(author, deciders):
            raise Forbidden(
                "decisions on a pupil's item belong to the teachers of the pupil's school "
                "and the founders",
                rule="pupil-item-deciders",
                problem=Problem.PUPIL_SCHOOL_DECIDES,
            )

    def can_see_channel(self, channel: ChannelRecord, pupil_class_id: int | None) -> bool:
        if channel.kind is ChannelKind.STAFF:
            return self.can(Action.READ_STAFF)
        if channel.kind is ChannelKind.CLASS and self.role is Role.PUPIL:
            return channel.class_id is not None and channel.class_id == pupil_class_id
        return self.can(Action.READ)


@dataclass(frozen=True, slots=True)
class WriteBlock:
    """Why a pupil may not write in a space right now: a problem code and a plain reason."""

    code: str
    reason: str


class SpaceRestricted(Forbidden):
    """A pupil's write refused by a space restriction (a live session's rules)."""

    title = "Not open for writing"

    def __init__(self, block: WriteBlock) -> None:
        super().__init__(block.reason)
        self.code = block.code


class SpaceRestrictions(Protocol):
    """Extra rules on pupils' writes in one space (`page`, `channel` or `board`)."""

    async def pupil_block(
        self, project_id: int, space: str, space_id: int, user_id: int
    ) -> WriteBlock | None: ...


class AccessRules:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._restrictions: list[SpaceRestrictions] = []
        self._pages_by_room = BatchedReads(storage.pages.with_member_roles)

    def add_restrictions(self, provider: SpaceRestrictions) -> None:
        self._restrictions.append(provider)

    async def pupil_write_block(
        self, *, project_id: int, user_id: int, role: Role, space: str, space_id: int
    ) -> WriteBlock | None:
        """The first restriction refusing a pupil's write in the space; None for others."""
        if role is not Role.PUPIL:
            return None
        for provider in self._restrictions:
            block = await provider.pupil_block(project_id, space, space_id, user_id)
            if block is not None:
                return block
        return None

    async def project(self, user: UserRecord, project_id: int) -> Access:
        found = await self._storage.projects.with_member_role(project_id, user.id)
        if found is None:  # not a member, or no such project: the same 404
            raise NotFound("no such project")
        project, role = found
        return Access(user=user, project=project, role=role)

    async def page(
        self, user: UserRecord, page_id: int, *, include_deleted: bool = False
    ) -> tuple[Access, PageRecord]:
        page = await self._storage.pages.get(page_id)
        if page is None:
            raise NotFound("no such page")
        return await self._page_access(user, page, include_deleted)

    async def page_by_room(self, user: UserRecord, room: str) -> tuple[Access, PageRecord]:
        """A page socket's page and the caller's standing in its project. Sockets opening
        together (a reconnect storm) are read together (storage/batched.py); each read is
        made after its socket asked, never kept for another."""
        found = await self._pages_by_room.get((room, user.id))
        if found is None or found.role is None:  # no such page, or not a member: the same 404
            raise NotFound("no such page")
        if found.page.deleted_at is not None:
            raise NotFound("no such page")
        return Access(user=user, project=found.project, role=found.role), found.page

    async def _page_access(
        self, user: UserRecord, page: PageRecord, include_deleted: bool
    ) -> tuple[Access, PageRecord]:
        try:
            access = await self.project(user, page.project_id)
        except NotFound:
            raise NotFound("no such page") from None
        if page.deleted_at is not None and not (include_deleted and access.is_teacher):
            raise NotFound("no such page")
        return access, page

    async def pupil_class(self, access: Access) -> int | None:
        if access.role is not Role.PUPIL:
            return None
        pupil = await self._storage.pupils.get(access.user.id)
        return pupil.class_id if pupil else None

    async def channel(self, user: UserRecord, channel_id: int) -> tuple[Access, ChannelRecord]:
        channel = await self._storage.channels.get(channel_id)
        if channel is None:
            raise NotFound("no such channel")
        try:
            access = await self.project(user, channel.project_id)
        except NotFound:
            raise NotFound("no such channel") from None
        if not access.can_see_channel(channel, await self.pupil_class(access)):
            raise NotFound("no such channel")
        return access, channel

    async def board(self, user: UserRecord, board_id: int) -> tuple[Access, BoardRecord]:
        board = await self._storage.boards.get(board_id)
        if board is None:
            raise NotFound("no such board")
        try:
            access = await self.project(user, board.project_id)
        except NotFound:
            raise NotFound("no such board") from None
        return access, board

    # -- who hears of what (twinspace/notifications/) -------------------------------------

    async def moderators(self, project_id: int) -> list[int]:
        """The members who may moderate the project now: they hear of held and reported
        items."""
        project = await self._storage.projects.get(project_id)
        if project is None:
            return []
        return [
            user.id
            for membership, user in await self._storage.memberships.members(project_id)
            if Access(user, project, membership.role).can(Action.MODERATE)
        ]

    async def may_see_space(self, user_id: int, project_id: int, space: str, space_id: int) -> bool:
        """Whether a member sees a published item in this channel, board or page (a
        notification about it goes to nobody who could not open it)."""
        user = await self._storage.users.get(user_id)
        if user is None or user.disabled:
            return False
        try:
            access = await self.project(user, project_id)
        except NotFound:
            return False
        if space == "channel":
            channel = await self._storage.channels.get(space_id)
            return (
                channel is not None
                and channel.project_id == project_id
                and access.can_see_channel(channel, await self.pupil_class(access))
            )
        if space == "board":
            board = await self._storage.boards.get(space_id)
            return board is not None and board.project_id == project_id and access.can(Action.READ)
        page = await self._storage.pages.get(space_id)
        return (
            page is not None
            and page.project_id == project_id
            and page.deleted_at is None
            and access.can(Action.READ)
        )

    # -- pupil accounts and classes (docs/design.md, "Pupil accounts") --------------------

    async def _validated_teacher_of(self, user: UserRecord, school_id: int | None) -> bool:
        """True for a validated teacher of the school; Forbidden for a teacher of the school
        whose registration is not validated; False for anyone outside the school."""
        if user.kind is not UserKind.TEACHER or school_id is None or user.school_id != school_id:
            return False
        teacher = await self._storage.teachers.get(user.id)
        if teacher is None or teacher.status is not TeacherStatus.VALIDATED:
            raise Forbidden(
                "your registration is waiting for your NSO's validation",
                rule="validated-teacher",
                problem=Problem.REGISTRATION_PENDING,
            )
        return True

    async def _teaches(
        self, user: UserRecord, class_id: int | None, created_by: int | None
    ) -> bool:
        if class_id is None:  # a pupil whose class is gone belongs to who created them
            return created_by == user.id
        return await self._storage.classes.is_teacher(class_id, user.id)

    async def class_of_school(self, user: UserRecord, class_id: int) -> ClassRecord:
        """A class of the validated teacher's own school (to see its pupils and teachers);
        NotFound outside the school."""
        found = await self._storage.classes.get(class_id)
        if found is None or not await self._validated_teacher_of(user, found.school_id):
            raise NotFound("no such class")
        return found

    async def responsible_class(self, user: UserRecord, class_id: int) -> ClassRecord:
        """A class `user` is responsible for: one of its teachers. NotFound outside the
        school; Forbidden for a colleague of the same school who does not teach it."""
        found = await self.class_of_school(user, class_id)
        if not await self._storage.classes.is_teacher(found.id, user.id):
            raise Forbidden(
                "only the class's teachers manage its pupils; ask one of them to add you",
                rule="class-teacher",
                problem=Problem.CLASS_TEACHERS_ONLY,
            )
        return found

    async def managed_classes(self, user: UserRecord) -> set[int]:
        """Ids of the classes whose pupils `user` may manage (reset, export, erase)."""
        if user.kind is not UserKind.TEACHER:
            return set()
        try:
            if not await self._validated_teacher_of(user, user.school_id):
                return set()
        except Forbidden:
            return set()
        return await self._storage.classes.taught_by(user.id)

    async def responsible_for_pupil(self, user: UserRecord, pupil_id: int) -> UserRecord:
        """The pupil account when `user` may reset its password, export or erase it: a
        validated teacher of the pupil's own school who teaches the pupil's class. Anyone
        outside the pupil's school (partner founders included) gets NotFound; a colleague of
        the same school who is not one of the class's teachers gets Forbidden."""
        pupil = await self._storage.users.get(pupil_id)
        if pupil is None or pupil.kind is not UserKind.PUPIL:
            raise NotFound("no such pupil")
        if not await self._validated_teacher_of(user, pupil.school_id):
            raise NotFound("no such pupil")
        record = await self._storage.pupils.get(pupil.id)
        if record is None or not await self._teaches(user, record.class_id, record.created_by):
            raise Forbidden(
                "only the teachers of the pupil's class manage the pupil's account",
                problem=Problem.CLASS_TEACHERS_ONLY,
                rule="class-teacher",
            )
        return pupil

    # -- live sessions across schools (docs/design.md, "Live sessions") ---------------------

    async def session_class(
        self, access: Access, class_id: int, *, organiser_id: int | None
    ) -> ClassRecord:
        """A class of the TwinSpace that this teacher may add to (invite into) or remove from a
        live session organised by `organiser_id`: their own class (one they teach) always; any
        class of the TwinSpace for the session's organiser (partner schools' classes are
        invitations) and for founders. RuleViolation for a class outside the TwinSpace;
        Forbidden for a partner teacher's class."""
        access.require(Action.MANAGE_SPACES)
        of_project = await self._storage.live_sessions.classes.of_project(access.project.id)
        project_classes = {c.class_id for c in of_project}
        found = await self._storage.classes.get(class_id)
        if found is None or found.id not in project_classes:
            raise RuleViolation(
                f"class {class_id} is not a class of a partner school of this project",
                problem=Problem.CLASS_NOT_PARTNER,
                class_id=class_id,
            )
        if await self._storage.classes.is_teacher(found.id, access.user.id):
            return found
        if access.role is Role.FOUNDER or (
            organiser_id is not None and organiser_id == access.user.id
        ):
            return found
        raise Forbidden(
            "you add and remove only your own classes; the session's organiser invites the others",
            problem=Problem.CLASS_TEACHERS_ONLY,
            rule="own-classes",
            class_id=class_id,
        )

    @staticmethod
    def require_session_organiser(access: Access, organiser_id: int | None) -> None:
        """Calling a whole session off is for its organiser and the founders."""
        access.require(Action.MANAGE_SPACES)
        if access.role is not Role.FOUNDER and access.user.id != organiser_id:
            raise Forbidden(
                "only the session's organiser or a founder calls it off",
                problem=Problem.ORGANISER_ONLY,
                rule="organiser",
            )

    async def may_see_join_code(self, user: UserRecord, class_id: int) -> bool:
        """A class's join code is for the class's own teachers only."""
        return user.kind is UserKind.TEACHER and await self._storage.classes.is_teacher(
            class_id, user.id
        )

    @staticmethod
    def sees_pupils_of(access: Access, school_id: int | None) -> bool:
        """Whether a teacher sees a school's pupils in full in a live session (who is
        expected and absent, when each joined, the log of their joins and leaves): only the
        teachers of that school. Partner teachers see the names of the pupils who joined."""
        return access.is_teacher and school_id is not None and access.user.school_id == school_id

    async def member_of_same_project(
        self, viewer: UserRecord, other_user_id: int, project_id: int
    ) -> bool:
        return (await self._storage.memberships.get(project_id, other_user_id)) is not None and (
            await self._storage.memberships.get(project_id, viewer.id)
        ) is not None
